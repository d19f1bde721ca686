"""LOCAL_PASSWORDS=false: everyone signs in through the organisation's identity provider except the
break-glass administrator (BREAK_GLASS_ADMIN), who keeps a password for when the provider is down."""

import html

import pytest

from conftest import PASSWORD
from kindred.accounts import services
from kindred.accounts.models import SchoolStaff, User
from tests.test_settings import run_python

pytestmark = pytest.mark.django_db

BREAK_GLASS = "root@kindred.example"


@pytest.fixture
def passwords_off(settings):
    settings.OIDC_ISSUER = "https://id.example.org"
    settings.OIDC_PROVIDER_NAME = "Hwb"
    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_ADMIN = "Root@Kindred.example"  # addresses are compared regardless of case


@pytest.fixture
def break_glass_admin(db):
    return User.objects.create_superuser(email=BREAK_GLASS, password=PASSWORD)


def sign_in(client, email, password=PASSWORD, url="/accounts/login/"):
    return client.post(url, {"username": email, "password": password})


def test_with_passwords_off_a_person_with_the_right_password_is_still_refused(
    client, passwords_off, teacher_x
):
    page = sign_in(client, teacher_x.email)
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert "Passwords are switched off here" in html.unescape(page.content.decode())


def test_with_passwords_off_the_break_glass_administrator_signs_in_with_a_password(
    client, passwords_off, break_glass_admin
):
    assert sign_in(client, BREAK_GLASS).status_code == 302
    assert client.session["_auth_user_id"] == str(break_glass_admin.pk)


def test_with_passwords_off_the_admin_sites_sign_in_refuses_other_administrators(
    client, passwords_off, site_admin
):
    sign_in(client, site_admin.email, url="/admin/login/")
    assert "_auth_user_id" not in client.session


def test_with_a_provider_the_admin_signs_in_on_kindreds_own_page(client, passwords_off, break_glass_admin):
    page = client.get("/admin/login/?next=/admin/schools/")
    assert page.status_code == 302 and page["Location"] == "/accounts/login/?next=/admin/schools/"
    assert sign_in(client, BREAK_GLASS, url=page["Location"])["Location"] == "/admin/schools/"


def test_with_passwords_off_a_wrong_password_and_a_refused_account_get_the_same_answer(
    client, passwords_off, teacher_x, break_glass_admin
):
    # The page does not tell which address is the break-glass administrator's.
    refused = sign_in(client, teacher_x.email).content.decode()
    wrong = sign_in(client, BREAK_GLASS, "not the password").content.decode()
    message = "Passwords are switched off here, except for the site&#x27;s emergency administrator"
    assert message in refused and message in wrong


def test_with_passwords_off_the_sign_in_page_offers_the_provider_and_hides_the_password_form(
    client, passwords_off
):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Hwb" in page
    assert 'name="password"' not in page
    assert 'href="/accounts/login/?password=1"' in page, "the break-glass administrator's way in"
    emergency = client.get("/accounts/login/?password=1").content.decode()
    assert 'name="password"' in emergency and "Emergency sign-in for the site administrator" in emergency


def test_with_passwords_off_no_reset_link_is_sent_except_to_the_break_glass_administrator(
    client, passwords_off, teacher_x, break_glass_admin, mailoutbox
):
    client.post("/accounts/password-reset/", {"email": teacher_x.email})
    assert mailoutbox == []
    client.post("/accounts/password-reset/", {"email": BREAK_GLASS})
    assert [mail.to for mail in mailoutbox] == [[BREAK_GLASS]]


def test_with_passwords_off_nobody_else_can_change_a_password(client, passwords_off, teacher_x):
    client.force_login(teacher_x)
    page = client.post(
        "/accounts/password-change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another pass 9876",
            "new_password2": "another pass 9876",
        },
    )
    assert page.status_code == 403
    teacher_x.refresh_from_db()
    assert teacher_x.check_password(PASSWORD)
    assert "Change your password" not in client.get("/accounts/profile/").content.decode()


def test_with_passwords_off_an_invitation_makes_no_password_account(
    client, passwords_off, school_x, school_admin_x
):
    _invitation, token = services.invitation_create(
        school=school_x,
        email="new@school.example",
        role="teacher",
        by=school_admin_x,
        base_url="http://testserver",
    )
    url = f"/accounts/invitations/{token}/"
    page = client.get(url).content.decode()
    assert "Choose a password" not in page and "Sign in with Hwb" in page
    client.post(url, {"full_name": "New", "password1": "a good pass 12345", "password2": "a good pass 12345"})
    assert not User.objects.filter(email="new@school.example").exists()
    assert not SchoolStaff.objects.filter(school=school_x, user__email="new@school.example").exists()


def test_passwords_stay_on_by_default(client, teacher_x):
    assert sign_in(client, teacher_x.email).status_code == 302


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOCAL_PASSWORDS": "false"}, "LOCAL_PASSWORDS=false needs OIDC_ISSUER"),
        (
            {"LOCAL_PASSWORDS": "false", "OIDC_ISSUER": "https://id.example.org", "OIDC_CLIENT_ID": "k"}
            | {"OIDC_CLIENT_SECRET": "s"},
            "LOCAL_PASSWORDS=false needs BREAK_GLASS_ADMIN",
        ),
        ({"OIDC_ISSUER": "https://id.example.org"}, "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
        (
            {"OIDC_ISSUER": "http://id.example.org", "OIDC_CLIENT_ID": "k", "OIDC_CLIENT_SECRET": "s"},
            "OIDC_ISSUER must be an https:// address",
        ),
        (
            {"OIDC_ISSUER": "https://id.example.org", "OIDC_CLIENT_ID": "k", "OIDC_CLIENT_SECRET": "s"}
            | {"OIDC_SCOPES": "email"},
            "OIDC_SCOPES must include openid",
        ),
    ],
)
@pytest.mark.own_database
def test_an_incomplete_sign_in_set_up_fails_loudly_at_start(tmp_path, env, message):
    result = run_python(
        "import django; django.setup()", SECRET_KEY="k" * 60, KINDRED_VAR_DIR=str(tmp_path), **env
    )
    assert result.returncode != 0
    assert message in result.stderr
