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


def test_repeated_failures_lock_the_address_out_for_a_while(client, teacher_x, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, teacher_x.email, "wrong password")
    locked = sign_in(client, teacher_x.email)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert sign_in(client, teacher_x.email).status_code == 302


def test_a_lock_out_for_one_address_does_not_lock_out_another(client, teacher_x, teacher_y, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, teacher_x.email, "wrong password")
    assert sign_in(client, teacher_y.email).status_code == 302


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
