"""Two-factor set-up and throttling (issue 20, item 9): a visit to the set-up page stores no
device; a right code refused by the throttle says so and when to try again."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from kindred.accounts.two_factor import PENDING_KEY

pytestmark = pytest.mark.django_db


def code_for(key: str) -> str:
    return f"{totp(bytes.fromhex(key)):06d}"


def test_visiting_the_set_up_page_stores_no_device(client, teacher_x, school_leader_x):
    for person in (teacher_x, school_leader_x):
        client.force_login(person)
        for _ in range(3):
            assert "<svg" in client.get("/accounts/two-factor/").content.decode()
    assert TOTPDevice.objects.count() == 0


def test_the_secret_shown_stays_the_same_until_it_is_confirmed(client, teacher_x):
    client.force_login(teacher_x)
    first = client.get("/accounts/two-factor/").context["secret"]
    assert client.get("/accounts/two-factor/").context["secret"] == first
    key = client.session[PENDING_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    assert client.post("/accounts/two-factor/", {"token": wrong}).status_code == 400
    assert TOTPDevice.objects.count() == 0
    assert client.post("/accounts/two-factor/", {"token": code_for(key)}).status_code == 302
    device = TOTPDevice.objects.get(user=teacher_x)
    assert device.confirmed and device.key == key
    assert PENDING_KEY not in client.session


def test_a_right_code_while_throttled_is_told_so_and_when_to_try_again(client, teacher_x):
    client.force_login(teacher_x)
    client.get("/accounts/two-factor/")
    key = client.session[PENDING_KEY]
    assert client.post("/accounts/two-factor/", {"token": code_for(key)}).status_code == 302
    device = TOTPDevice.objects.get(user=teacher_x)
    client.logout()
    start = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
        wrong = f"{(int(code_for(device.key)) + 7) % 1_000_000:06d}"
        for _ in range(3):
            client.post("/accounts/two-factor/verify/", {"token": wrong})
        response = client.post("/accounts/two-factor/verify/", {"token": code_for(device.key)})
        page = response.content.decode()
        assert response.status_code == 429
        assert "Too many wrong codes: wait" in page and "That code is not right" not in page
        assert client.get("/accounts/profile/").status_code == 302
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        response = client.post(
            "/accounts/two-factor/verify/", {"token": code_for(device.key), "next": "/accounts/profile/"}
        )
        assert response.status_code == 302 and response["Location"] == "/accounts/profile/"


def test_devices_never_confirmed_are_removed_and_confirmed_ones_kept(teacher_x, school_leader_x):
    """The data migration accounts/0009."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "kindred.accounts.migrations.0009_unconfirmed_two_factor_devices_removed"
    )
    kept = TOTPDevice.objects.create(user=teacher_x, name="phone", confirmed=True)
    for _ in range(3):
        TOTPDevice.objects.create(user=school_leader_x, name="authenticator app", confirmed=False)
    migration.remove_unconfirmed(apps, None)
    assert list(TOTPDevice.objects.all()) == [kept]
