"""Signing in with the organisation's identity provider (OpenID Connect), end to end.

The provider is real: a second Django process (tests/oidc_provider/) running django-oauth-toolkit's
OpenID Connect provider with its own people, sign-in page and an RSA key made for this run. A
`requests` session plays the browser: it opens Kindred's sign-in page, follows the button to the
provider, signs in there and is sent back to Kindred, which exchanges the code at the provider's
token endpoint and checks the signed ID token. Nothing is mocked.
"""

import html
import re

import pytest
import requests

from kindred.accounts.models import ProviderIdentity, SchoolStaff, User
from kindred.audit.models import AuditEvent
from tests.browser.conftest import _plain_http_live_server  # noqa: F401 (the live server speaks HTTP)
from tests.oidc_provider.fixtures import free_port
from tests.oidc_provider.people import CLIENT_ID, CLIENT_SECRET
from tests.oidc_provider.people import PASSWORD as PROVIDER_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _form_field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} in the page"
    return html.unescape(match[1])


def sign_in_through_provider(base: str, username: str, *, start: str = "/accounts/login/"):
    """Do what a person does in a browser: Kindred's sign-in page, the provider's button, the
    provider's own sign-in form, and back. Returns the browser (its cookies) and the last page."""
    browser = requests.Session()
    page = browser.get(base + start, timeout=30)
    button = re.search(r'<a class="button" href="([^"]+)">Sign in with the Ministry</a>', page.text)
    assert button, "the sign-in page shows the provider's button"
    at_provider = browser.get(base + html.unescape(button[1]), timeout=30)
    assert "Ministry sign-in" in at_provider.text, "the button leads to the provider's own sign-in page"
    back = browser.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": _form_field(at_provider.text, "csrfmiddlewaretoken"),
            "username": username,
            "password": PROVIDER_PASSWORD,
            "next": _form_field(at_provider.text, "next"),
        },
        timeout=30,
    )
    return browser, back


def signed_in_as(browser: requests.Session, base: str) -> str:
    """The e-mail address on the profile page ("" when the browser is not signed in)."""
    page = browser.get(f"{base}/accounts/profile/", timeout=30, allow_redirects=False)
    if page.status_code != 200:
        return ""
    return re.search(r"[\w.+-]+@[\w.-]+", page.text.split("<main", 1)[-1])[0]


def test_the_sign_in_page_shows_the_providers_button_only_when_one_is_set_up(client, settings):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    settings.OIDC_ISSUER = "https://id.example.org"
    settings.OIDC_PROVIDER_NAME = "Hwb"
    page = client.get("/accounts/login/?next=/networks/").content.decode()
    assert '<a class="button" href="/accounts/oidc/start/?next=/networks/">Sign in with Hwb</a>' in page
    assert 'name="password"' in page, "passwords stay on unless LOCAL_PASSWORDS is off"


def test_a_new_person_signs_in_through_the_provider_and_gets_an_account_without_roles(oidc, live_server):
    browser, page = sign_in_through_provider(live_server.url, "ada")

    assert page.status_code == 200 and page.url == f"{live_server.url}/"
    assert signed_in_as(browser, live_server.url) == "ada@ministry.example"
    user = User.objects.get(email="ada@ministry.example")
    assert user.full_name == "Ada Lovelace"
    assert user.email_verified_at is not None, "the provider verified the address"
    assert not user.has_usable_password(), "Kindred keeps no password for them"
    assert not SchoolStaff.objects.filter(user=user).exists(), "roles are granted inside Kindred"
    assert ProviderIdentity.objects.get(user=user).issuer == oidc.issuer
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"user.created", "user.identity_linked", "user.signed_in"} <= actions


def test_an_existing_account_is_matched_by_its_verified_address_whatever_its_case_and_keeps_its_roles(
    oidc, live_server, school_x
):
    grace = User.objects.create_user(email="grace.hopper@ministry.example", password="a local one 123")
    SchoolStaff.objects.create(user=grace, school=school_x, role=SchoolStaff.Role.LEADER)

    browser, page = sign_in_through_provider(live_server.url, "grace")

    assert page.status_code == 200
    assert signed_in_as(browser, live_server.url) == "grace.hopper@ministry.example"
    assert User.objects.filter(email__iexact="grace.hopper@ministry.example").count() == 1
    profile = browser.get(f"{live_server.url}/accounts/profile/").text
    assert re.search(r"School leader, <a [^>]+>Xavier Primary</a>", profile), "the role stays"
    assert ProviderIdentity.objects.filter(user=grace).count() == 1


def test_a_second_sign_in_finds_the_account_by_the_providers_subject_even_after_its_address_changed(
    oidc, live_server
):
    sign_in_through_provider(live_server.url, "ada")
    User.objects.filter(email="ada@ministry.example").update(email="ada.renamed@school.example")

    browser, _page = sign_in_through_provider(live_server.url, "ada")

    assert signed_in_as(browser, live_server.url) == "ada.renamed@school.example"
    assert User.objects.count() == 1


def test_the_provider_sends_the_person_back_to_the_page_they_wanted(oidc, live_server):
    _browser, page = sign_in_through_provider(
        live_server.url, "ada", start="/accounts/login/?next=/accounts/profile/"
    )
    assert page.url == f"{live_server.url}/accounts/profile/"


def test_a_page_to_return_to_on_another_site_is_ignored(oidc, live_server):
    _browser, page = sign_in_through_provider(
        live_server.url, "ada", start="/accounts/login/?next=https://evil.example/phish"
    )
    assert page.url == f"{live_server.url}/", "never sent off the site after signing in"


def test_an_address_the_provider_has_not_verified_is_refused_and_nothing_is_made(oidc, live_server):
    browser, page = sign_in_through_provider(live_server.url, "una")

    assert page.status_code == 403
    assert "has not verified your address una@ministry.example" in html.unescape(page.text)
    assert signed_in_as(browser, live_server.url) == ""
    assert not User.objects.exists() and not ProviderIdentity.objects.exists()
    refusal = AuditEvent.objects.get(action="user.sign_in_failed")
    assert refusal.details["reason"] == "email_unverified"


def test_a_person_without_an_address_at_the_provider_is_refused(oidc, live_server):
    _browser, page = sign_in_through_provider(live_server.url, "nomail")
    assert page.status_code == 403
    assert "no usable e-mail address" in html.unescape(page.text)
    assert not User.objects.exists()


def test_with_account_creation_off_only_people_with_an_account_get_in(oidc, live_server, settings):
    settings.OIDC_CREATE_ACCOUNTS = False
    _browser, page = sign_in_through_provider(live_server.url, "ada")
    assert page.status_code == 403
    assert "There is no Kindred account for ada@ministry.example" in html.unescape(page.text)
    assert not User.objects.exists()


def test_a_closed_account_cannot_sign_in_through_the_provider(oidc, live_server):
    User.objects.create_user(email="ada@ministry.example", password=None, is_active=False)
    browser, page = sign_in_through_provider(live_server.url, "ada")
    assert page.status_code == 403
    assert "This Kindred account is closed" in html.unescape(page.text)
    assert signed_in_as(browser, live_server.url) == ""


def test_an_account_linked_to_another_person_at_the_provider_is_not_taken_over(oidc, live_server):
    grace = User.objects.create_user(email="ada@ministry.example", password=None)
    ProviderIdentity.objects.create(user=grace, issuer=oidc.issuer, subject="someone-else")
    browser, page = sign_in_through_provider(live_server.url, "ada")
    assert page.status_code == 403
    assert signed_in_as(browser, live_server.url) == ""
    assert ProviderIdentity.objects.count() == 1


def test_a_wrong_client_secret_is_refused_by_the_provider_and_signs_nobody_in(oidc, live_server, settings):
    settings.OIDC_CLIENT_SECRET = "not-the-secret"
    browser, page = sign_in_through_provider(live_server.url, "ada")
    assert page.status_code == 400
    assert "could not trust" in html.unescape(page.text)
    assert signed_in_as(browser, live_server.url) == "" and not User.objects.exists()


def test_a_callback_without_the_sign_in_it_answers_is_refused(oidc, live_server):
    # A forged or replayed answer: a code and state this browser never asked for.
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/accounts/oidc/callback/?code=stolen&state=forged", timeout=30)
    assert page.status_code == 400
    assert "expired or was opened in another browser" in html.unescape(page.text)
    assert signed_in_as(browser, live_server.url) == ""


def test_the_providers_refusal_is_shown_and_recorded(oidc, client):
    page = client.get(
        "/accounts/oidc/callback/?error=access_denied&error_description=Cancelled+by+the+person"
    )
    assert page.status_code == 403
    assert "it said: Cancelled by the person" in html.unescape(page.content.decode())
    assert AuditEvent.objects.get(action="user.sign_in_failed").details["reason"] == "provider:access_denied"


def test_an_unreachable_provider_gives_a_clear_page(client, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    page = client.get("/accounts/oidc/start/")
    assert page.status_code == 502
    assert "did not answer" in page.content.decode()


def test_without_a_provider_its_pages_say_so(client):
    assert client.get("/accounts/oidc/start/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=a&state=b").status_code == 404


def test_with_passwords_off_a_new_person_invited_signs_in_through_the_provider_and_accepts(
    oidc, live_server, settings, school_x, school_admin_x
):
    from kindred.accounts import services

    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_ADMIN = "root@kindred.example"
    _invitation, token = services.invitation_create(
        school=school_x,
        email="ada@ministry.example",
        role=SchoolStaff.Role.TEACHER,
        by=school_admin_x,
        base_url=live_server.url,
    )
    start = f"/accounts/invitations/{token}/"
    browser = requests.Session()
    invitation_page = browser.get(live_server.url + start, timeout=30).text
    assert "Choose a password" not in invitation_page
    assert "Sign in with the Ministry" in invitation_page

    browser, page = sign_in_through_provider(live_server.url, "ada", start=f"/accounts/login/?next={start}")
    assert page.url == live_server.url + start
    accept = browser.post(
        live_server.url + start,
        data={"csrfmiddlewaretoken": _form_field(page.text, "csrfmiddlewaretoken")},
        headers={"Referer": live_server.url + start},
        timeout=30,
    )
    assert accept.status_code == 200
    user = User.objects.get(email="ada@ministry.example")
    assert SchoolStaff.objects.filter(user=user, school=school_x, role="teacher").exists()


def test_kindreds_own_two_factor_step_still_follows_the_providers_sign_in(oidc, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.create_user(email="ada@ministry.example", password=None)
    TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)

    browser, page = sign_in_through_provider(live_server.url, "ada")

    assert page.url.startswith(f"{live_server.url}/accounts/two-factor/verify/")
    assert signed_in_as(browser, live_server.url) == "", "no other page before the code"


def test_a_deleted_account_is_unlinked_and_the_next_sign_in_makes_a_fresh_one(oidc, live_server):
    from kindred.accounts import services

    sign_in_through_provider(live_server.url, "ada")
    first = User.objects.get(email="ada@ministry.example")
    services.account_delete(user=first)
    assert not ProviderIdentity.objects.exists()

    browser, _page = sign_in_through_provider(live_server.url, "ada")

    assert signed_in_as(browser, live_server.url) == "ada@ministry.example"
    assert User.objects.get(email="ada@ministry.example").pk != first.pk
