import pytest
from playwright.sync_api import expect

from kindred.accounts.models import SchoolStaff, User
from tests.oidc_provider.people import PASSWORD as PROVIDER_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_leader_signs_in_with_the_ministrys_account_in_a_real_browser(
    page, oidc, live_server, school_x
):
    grace = User.objects.create_user(
        email="grace.hopper@ministry.example", password=None, full_name="Grace Hopper"
    )
    SchoolStaff.objects.create(user=grace, school=school_x, role=SchoolStaff.Role.LEADER)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with the Ministry").click()
    # The provider's own page, on its own host.
    assert page.url.startswith(oidc.issuer.removesuffix("/o"))
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in to the ministry").click()

    page.wait_for_url(f"{live_server.url}/")
    page.goto("/accounts/profile/")
    assert page.locator("ul.roles").inner_text().startswith("School leader, Xavier Primary")
    expect(page.get_by_text("You sign in with your organisation's account")).to_be_visible()  # no password
