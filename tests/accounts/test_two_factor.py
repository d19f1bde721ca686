import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def pending(client, user) -> TOTPDevice:
    """The device the set-up page offers: its secret is in the session, nothing is stored yet."""
    from kindred.accounts.two_factor import PENDING_KEY

    return TOTPDevice(user=user, key=client.session[PENDING_KEY])


def enable(client, user) -> TOTPDevice:
    client.force_login(user)
    assert "<svg" in client.get("/accounts/two-factor/").content.decode()
    assert client.post("/accounts/two-factor/", {"token": code(pending(client, user))}).status_code == 302
    return TOTPDevice.objects.get(user=user)


def test_a_person_turns_on_two_factor_with_a_code_from_their_app(client, teacher_x):
    device = enable(client, teacher_x)
    assert device.confirmed
    assert AuditEvent.objects.filter(action="user.two_factor_enabled", actor=teacher_x).exists()


def test_a_wrong_code_does_not_turn_it_on(client, teacher_x):
    client.force_login(teacher_x)
    client.get("/accounts/two-factor/")
    wrong = f"{(int(code(pending(client, teacher_x))) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/", {"token": wrong})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=teacher_x).exists()


def test_a_malformed_code_is_refused_with_the_reason(client, teacher_x):
    client.force_login(teacher_x)
    response = client.post("/accounts/two-factor/", {"token": "12ab56"})
    assert response.status_code == 400 and "Enter the six digits" in response.content.decode()


def test_signing_in_then_asks_for_a_code_before_anything_else(client, teacher_x):
    device = enable(client, teacher_x)
    client.logout()
    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/verify/")

    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        response = client.post(
            "/accounts/two-factor/verify/", {"token": code(device), "next": "/accounts/profile/"}
        )
        assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
        assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_second_step_code_keeps_the_person_out(client, teacher_x):
    device = enable(client, teacher_x)
    client.logout()
    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    wrong = f"{(int(code(device)) + 7) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/verify/", {"token": wrong})
    assert response.status_code == 400
    assert client.get("/accounts/profile/").status_code == 302


def test_the_verify_step_does_not_redirect_to_another_site(client, teacher_x):
    device = enable(client, teacher_x)
    client.logout()
    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    with time_machine.travel(time.time() + 60):
        response = client.post(
            "/accounts/two-factor/verify/", {"token": code(device), "next": "https://evil.example/"}
        )
    assert response["Location"] == "/"


def test_when_required_a_system_leader_without_two_factor_must_set_it_up(client, system_leader, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(system_leader)
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"


def test_when_required_a_site_admin_cannot_reach_the_admin_without_it(client, site_admin, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(site_admin)
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/"


def test_when_required_a_teacher_is_not_asked(client, teacher_x, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(teacher_x)
    assert client.get("/accounts/profile/").status_code == 200


def test_when_required_two_factor_cannot_be_turned_off(client, system_leader, settings):
    device = enable(client, system_leader)
    settings.TWO_FACTOR_REQUIRED = True
    with time_machine.travel(time.time() + 60):
        client.post("/accounts/two-factor/", {"token": code(device)})
    assert TOTPDevice.objects.filter(user=system_leader, confirmed=True).exists()
