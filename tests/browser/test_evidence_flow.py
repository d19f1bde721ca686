"""The demo's story in a real browser: from the regional map to a red school, its needs, and help nearby."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.accounts.generation import country_generate
from kindred.accounts.models import RegionalRole, User
from kindred.evidence.models import Flag, Performance, SupportCategory
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long evidence passphrase 3"


def test_a_system_leader_goes_from_the_map_to_a_red_school_and_finds_help_nearby(page):
    country_generate(n_schools=400, seed=11, years=[2021, 2022, 2023], n_teachers=800)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    red = (
        SupportCategory.objects.filter(category="red", school__performance__flag=Flag.NEED)
        .select_related("school", "school__region")
        .first()
    )
    assert red is not None, "the generated country has a red school with a reliable need"
    leader = User.objects.create_user(email="leader@example.org", password=PASSWORD, full_name="Lee Leader")
    RegionalRole.objects.create(user=leader, region=red.school.region)

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    navigate(page, "Dashboard", exact=True)
    expect(page.get_by_role("heading", name="Regional dashboard")).to_be_visible()
    # the map's areas lead to one authority's schools; the list below the map leads to a school
    page.locator(f'svg a[href="?local_authority={red.school.local_authority_id}"]').dispatch_event("click")
    page.wait_for_url(f"**local_authority={red.school.local_authority_id}")
    page.locator("#id_category").select_option("red")
    page.get_by_role("button", name="Show").click()
    page.locator("table").get_by_role("link", name=red.school.name, exact=True).click()
    page.wait_for_url(f"**/schools/{red.school.registry_id}/")
    expect(page.get_by_role("heading", name=red.school.name)).to_be_visible()

    need = (
        Performance.objects.filter(school=red.school, year__isnull=True, flag=Flag.NEED)
        .select_related("measure")
        .first()
    )
    assert page.locator("ul.verdicts li.need").filter(has_text=need.measure.name).count() == 1
    page.locator("ul.verdicts li.need").filter(has_text=need.measure.name).get_by_role("link").click()

    expect(page.get_by_role("heading", name="Where good practice is")).to_be_visible()
    expect(page.get_by_text(f"Starting from {red.school.name}.")).to_be_visible()
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    first_distance = float(rows.nth(0).locator("td").last.inner_text().replace(" km", ""))
    last_distance = float(rows.nth(rows.count() - 1).locator("td").last.inner_text().replace(" km", ""))
    assert first_distance <= last_distance


def test_a_system_leader_sorts_and_pages_their_region_without_losing_it(page):
    country_generate(n_schools=400, seed=11, years=[2021, 2022, 2023], n_teachers=800)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    region = SupportCategory.objects.select_related("school__region").first().school.region
    leader = User.objects.create_user(email="leader@example.org", password=PASSWORD, full_name="Lee Leader")
    RegionalRole.objects.create(user=leader, region=region)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/evidence/dashboard/")
    expect(page.get_by_text("Sorted by need of support")).to_be_visible()
    page.get_by_role("link", name="Pupils").click()
    assert f"region={region.pk}" in page.url and "sort=pupils" in page.url
    if page.get_by_role("link", name="Next").count():
        page.get_by_role("link", name="Next").click()
        assert f"region={region.pk}" in page.url and "sort=pupils" in page.url and "page=2" in page.url
    assert page.get_by_label("Region").input_value() == str(region.pk)
    page.get_by_role("link", name="How categories are derived").click()
    expect(page.get_by_role("heading", name="How Kindred reaches its verdicts")).to_be_visible()
