from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import PASSWORD
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_a_person_signs_in_with_their_email_and_it_is_audited(client, teacher_x):
    response = sign_in(client, teacher_x.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(teacher_x.pk)
    assert AuditEvent.objects.filter(actor=teacher_x, action="user.signed_in").exists()


def test_a_wrong_password_is_refused_and_audited(client, teacher_x):
    response = sign_in(client, teacher_x.email, "wrong password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="user.sign_in_failed")
    assert event.details["email"] == teacher_x.email and event.actor is None


def test_repeated_failures_delay_the_address_progressively(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, teacher_x.email, "wrong password")
    paused = sign_in(client, teacher_x.email)
    assert paused.status_code == 200 and "_auth_user_id" not in client.session
    assert "try again in 1 minute" in paused.content.decode()
    # Refused attempts count too, and each doubles the wait: 30 s, 60 s, 120 s ...
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=45)):  # 4 failures: wait 60 s from the last
        assert "paused" in sign_in(client, teacher_x.email).content.decode()
    with time_machine.travel(start + timedelta(seconds=150)):  # 5 failures: 120 s from second 45
        assert "paused" in sign_in(client, teacher_x.email).content.decode()
    with time_machine.travel(start + timedelta(seconds=150 + 241)):  # 6 failures: 240 s from second 150
        assert sign_in(client, teacher_x.email).status_code == 302


def test_the_delay_does_not_depend_on_the_case_of_the_address(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    sign_in(client, teacher_x.email.upper(), "wrong password")
    sign_in(client, teacher_x.email, "wrong password")
    assert "paused" in sign_in(client, teacher_x.email).content.decode()


def test_a_delay_for_one_address_does_not_delay_another(client, teacher_x, teacher_y, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, teacher_x.email, "wrong password")
    assert sign_in(client, teacher_y.email).status_code == 302


def test_a_browser_that_signed_in_before_is_not_delayed_by_an_attack_on_the_address(
    client, teacher_x, settings
):
    from django.test import Client

    settings.LOGIN_FAILURE_LIMIT = 3
    assert sign_in(client, teacher_x.email).status_code == 302
    client.post("/accounts/logout/")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        sign_in(attacker, teacher_x.email, "guess")
    assert "paused" in sign_in(attacker, teacher_x.email).content.decode()
    assert sign_in(client, teacher_x.email).status_code == 302


def test_a_known_browser_that_keeps_failing_loses_its_exemption(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    sign_in(client, teacher_x.email)
    client.post("/accounts/logout/")
    for _ in range(6):
        sign_in(client, teacher_x.email, "guess")
    assert "paused" in sign_in(client, teacher_x.email).content.decode()


def test_password_spraying_from_one_ip_address_is_locked_out(client, teacher_x, settings):
    settings.AXES_FAILURE_LIMIT = 20
    for n in range(20):
        sign_in(client, f"person{n}@example.org", "Summer2026!")
    locked = sign_in(client, teacher_x.email)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert sign_in(client, teacher_x.email).status_code == 302


def test_a_success_does_not_reset_the_ip_addresss_count(client, teacher_x, teacher_y, settings):
    settings.AXES_FAILURE_LIMIT = 4
    for n in range(3):
        sign_in(client, f"person{n}@example.org", "guess")
    sign_in(client, teacher_x.email)
    client.post("/accounts/logout/")
    sign_in(client, "person9@example.org", "guess")
    assert sign_in(client, teacher_y.email).status_code == 429


def test_behind_a_proxy_each_client_is_counted_by_its_own_address(teacher_x, teacher_y, settings):
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for n in range(3):
        sign_in(attacker, f"person{n}@example.org", "guess")
    assert sign_in(attacker, teacher_x.email).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert sign_in(colleague, teacher_y.email).status_code == 302


def test_a_forged_forwarded_address_is_not_believed(teacher_x, settings):
    from django.test import Client

    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        # The client prepends a new address each time; the proxy appends the one it saw.
        forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.7")
        sign_in(forged, f"person{n}@example.org", "guess")
    assert sign_in(forged, teacher_x.email).status_code == 429


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "client_ip"),
    [
        (0, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "10.0.0.3", "198.51.100.7", "10.0.0.3"),
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_ip_trusts_exactly_the_configured_proxies(
    rf, settings, count, remote, forwarded, client_ip
):
    from kindred.accounts.throttle import client_ip as found

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert found(request) == client_ip


def test_password_reset_sends_a_link_that_sets_a_new_password(client, teacher_x, mailoutbox):
    client.post("/accounts/password-reset/", {"email": teacher_x.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase 9", "new_password2": "a new long passphrase 9"},
    )
    teacher_x.refresh_from_db()
    assert teacher_x.check_password("a new long passphrase 9")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": "nobody-here@example.org"})
    assert response.status_code == 302 and mailoutbox == []


def test_email_verification_link_confirms_the_address(client, teacher_x, mailoutbox):
    client.force_login(teacher_x)
    client.post("/accounts/verify-email/")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/verify-email/" in line)
    assert client.get(link.split("testserver", 1)[1]).status_code == 302
    teacher_x.refresh_from_db()
    assert teacher_x.email_verified_at is not None


def test_someone_elses_verification_link_does_not_verify_me(client, teacher_x, teacher_y, mailoutbox):
    client.force_login(teacher_y)
    client.post("/accounts/verify-email/")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/verify-email/" in line)
    client.force_login(teacher_x)
    response = client.get(link.split("testserver", 1)[1])
    assert response.status_code == 400 and "another account" in response.content.decode()
    teacher_x.refresh_from_db()
    assert teacher_x.email_verified_at is None


def test_an_expired_verification_link_is_refused(client, teacher_x, mailoutbox, settings):
    client.force_login(teacher_x)
    client.post("/accounts/verify-email/")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/verify-email/" in line)
    with time_machine.travel(timezone.now() + timedelta(days=settings.EMAIL_VERIFICATION_DAYS + 1)):
        client.force_login(teacher_x)
        response = client.get(link.split("testserver", 1)[1])
    assert response.status_code == 400 and "expired" in response.content.decode()


def test_profile_lists_every_role(client, school_x, system_leader, teacher_x):
    from kindred.accounts.models import SchoolStaff

    SchoolStaff.objects.create(user=system_leader, school=school_x, role="leader")
    client.force_login(system_leader)
    page = client.get("/accounts/profile/").content.decode()
    assert "System leader for Region A" in page
    assert "School leader" in page and school_x.name in page


def test_the_test_clients_login_still_works_with_sign_in_throttling(client, teacher_x):
    assert client.login(username=teacher_x.email, password=PASSWORD)
    assert client.get("/accounts/profile/").status_code == 200


def test_an_over_long_or_malformed_sign_in_is_refused_with_the_reason(client, teacher_x):
    response = client.post("/accounts/login/", {"username": "x" * 300, "password": PASSWORD})
    assert response.status_code == 200 and "at most 254 characters" in response.content.decode()
    response = client.post("/accounts/login/", {"username": teacher_x.email})
    assert "This field is required" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_over_long_address_at_the_admin_sign_in_is_counted_not_crashed(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "x" * 300, "password": "guess"})
    assert response.status_code == 429


# Finding 5: password-reset e-mails are limited per address and per IP address.


def test_password_reset_emails_to_one_address_are_limited_and_the_page_says_the_same(
    client, teacher_x, mailoutbox, settings
):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    pages = [client.post("/accounts/password-reset/", {"email": teacher_x.email}) for _ in range(20)]
    assert len(mailoutbox) == 3
    assert {(page.status_code, page.url) for page in pages} == {(302, "/accounts/password-reset/sent/")}
    assert AuditEvent.objects.filter(action="user.password_reset_throttled").count() == 17


def test_password_reset_requests_from_one_ip_address_are_limited(client, teacher_x, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 5
    for n in range(5):
        client.post("/accounts/password-reset/", {"email": f"nobody{n}@example.org"})
    client.post("/accounts/password-reset/", {"email": teacher_x.email})
    assert mailoutbox == []
    from django.test import Client

    Client(REMOTE_ADDR="192.0.2.44").post("/accounts/password-reset/", {"email": teacher_x.email})
    assert len(mailoutbox) == 1


def test_password_reset_is_possible_again_after_an_hour(client, teacher_x, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    client.post("/accounts/password-reset/", {"email": teacher_x.email})
    client.post("/accounts/password-reset/", {"email": teacher_x.email.upper()})
    assert len(mailoutbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client.post("/accounts/password-reset/", {"email": teacher_x.email})
    assert len(mailoutbox) == 2
