"""From a red school's need to a proposed partnership, in a real browser."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.accounts.generation import country_generate
from kindred.accounts.models import RegionalRole, User
from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.networks.models import Network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long brokering passphrase 5"


def test_a_system_leader_goes_from_a_red_school_s_need_to_a_proposed_partnership(page):
    country_generate(n_schools=300, seed=7, years=[2021, 2022, 2023], n_teachers=600)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    red = (
        SupportCategory.objects.filter(category="red", school__performance__flag=Flag.NEED)
        .select_related("school")
        .first()
    )
    need = (
        Performance.objects.filter(school=red.school, year__isnull=True, flag=Flag.NEED)
        .select_related("measure")
        .first()
    )
    leader = User.objects.create_user(email="broker@example.org", password=PASSWORD, full_name="Bea Broker")
    RegionalRole.objects.create(user=leader, region=red.school.region)

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The finder, with the starting school typed by name and a wide distance.
    page.goto("/evidence/good-practice/")
    page.get_by_label("Domain").select_option(need.measure.domain)
    page.get_by_label("Starting school (name or registry id)").fill(red.school.name)
    page.get_by_label("Within (km)").fill("500")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text(f"Starting from {red.school.name}.")).to_be_visible()

    first = page.locator("table tbody tr").first
    helper_name = first.locator("td").first.inner_text()
    first.get_by_role("button", name="Shortlist").click()
    expect(page.get_by_role("heading", name="Shortlist and approaches")).to_be_visible()

    page.get_by_label("Who was approached").fill("Head teacher")
    page.get_by_label("Their answer or a note").fill("Happy to help")
    page.get_by_label("Status").last.select_option("agreed")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("button", name="Propose a partnership").click()

    network = Network.objects.get(kind=Network.Kind.PARTNERSHIP)
    page.wait_for_url(f"**{network.get_absolute_url()}")
    assert red.school.name in network.name and helper_name in network.name
    expect(page.get_by_role("heading", name=network.name)).to_be_visible()
