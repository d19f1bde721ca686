"""The README's evidence story on a 360 px phone, by a Welsh-speaking and an Arabic-speaking system
leader: choose the language with the switch, sign in, open the dashboard, follow an area of the map
and then a school with a need, and find help nearby. Every word the test clicks is looked up in
the catalogue of the page's language, so the story only passes if the pages speak that language.
"""

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from kindred.accounts.generation import country_generate
from kindred.accounts.models import RegionalRole, User
from kindred.evidence.models import Flag, Performance, SupportCategory
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the page fixture's arguments)
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long evidence passphrase 3"
NAMES = {"cy": "Cymraeg", "ar": "العربية"}


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_a_leader_does_the_evidence_story_in_their_language_on_a_phone(page, language):
    country_generate(n_schools=300, seed=11, years=[2021, 2022, 2023], n_teachers=300)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    red = (
        SupportCategory.objects.filter(category="red", school__performance__flag=Flag.NEED)
        .select_related("school", "school__region")
        .first()
    )
    leader = User.objects.create_user(email="leader@example.org", password=PASSWORD, full_name="Lee Leader")
    RegionalRole.objects.create(user=leader, region=red.school.region)
    with translation.override(language):
        words = {
            key: gettext(key)
            for key in [
                "Sign in",
                "Email address",
                "Password",
                "Dashboard",
                "Regional dashboard",
                "Show",
                "Where good practice is",
            ]
        }
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/")
    page.get_by_role("button", name=NAMES[language]).click()
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.get_by_role("link", name=words["Sign in"]).click()
    page.locator("#id_username").fill(leader.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=words["Sign in"]).click()

    navigate(page, words["Dashboard"], exact=True)
    expect(page.get_by_role("heading", name=words["Regional dashboard"])).to_be_visible()
    page.locator(f'svg a[href="?local_authority={red.school.local_authority_id}"]').dispatch_event("click")
    page.wait_for_url(f"**local_authority={red.school.local_authority_id}")
    page.locator("#id_category").select_option("red")
    page.get_by_role("button", name=words["Show"]).click()
    page.locator("table").get_by_role("link", name=red.school.name, exact=True).click()
    page.wait_for_url(f"**/schools/{red.school.registry_id}/")

    need = Performance.objects.filter(school=red.school, year__isnull=True, flag=Flag.NEED).first()
    assert need is not None
    page.locator("ul.verdicts li.need").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=words["Where good practice is"])).to_be_visible()
    assert page.locator("table tbody tr").count() > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
