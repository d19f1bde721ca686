"""Issue 20, item 7: the sign-in device cookie was the client's choice (any 32+ characters was
kept and then exempted the account from the throttle). Now Kindred issues a fresh random value
at each sign-in, signed; a value the browser chose is never trusted."""

import hashlib

import pytest
from django.test import Client

from conftest import PASSWORD
from kindred.accounts.models import SignInDevice

pytestmark = pytest.mark.django_db
CHOSEN = "attacker-chose-this-" + "x" * 40


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response.cookies["kindred_device"].value


def test_a_value_the_browser_chose_is_not_kept_and_gives_no_exemption(teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    victim = Client()
    victim.cookies["kindred_device"] = CHOSEN  # planted before the person signs in
    issued = _sign_in(victim, teacher_x)
    assert CHOSEN not in issued
    assert not SignInDevice.objects.filter(key_hash=hashlib.sha256(CHOSEN.encode()).hexdigest()).exists()
    # the attacker, holding the planted value, is throttled like anyone else
    attacker = Client()
    for _ in range(2):
        attacker.post("/accounts/login/", {"username": teacher_x.email, "password": "guess"})
    attacker.cookies["kindred_device"] = CHOSEN
    response = attacker.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert "is paused" in response.content.decode() and "_auth_user_id" not in attacker.session


def test_each_sign_in_gets_a_fresh_signed_value_and_the_old_one_stops_working(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    first = _sign_in(client, teacher_x)
    client.post("/accounts/logout/")
    second = _sign_in(client, teacher_x)
    assert first != second and ":" in second  # signed: value:signature
    assert SignInDevice.objects.filter(user=teacher_x).count() == 1  # the device's key replaced
    client.post("/accounts/logout/")
    for _ in range(2):
        Client().post("/accounts/login/", {"username": teacher_x.email, "password": "guess"})
    stale = Client()
    stale.cookies["kindred_device"] = first
    paused = stale.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert "is paused" in paused.content.decode()
    # the browser holding the current value still gets in while the address is being attacked
    assert (
        client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD}).status_code
        == 302
    )


def test_a_tampered_signed_value_is_not_trusted(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    issued = _sign_in(client, teacher_x)
    client.post("/accounts/logout/")
    for _ in range(2):
        Client().post("/accounts/login/", {"username": teacher_x.email, "password": "guess"})
    value, signature = issued.rsplit(":", 1)
    client.cookies["kindred_device"] = value + "A:" + signature
    response = client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert "is paused" in response.content.decode()
