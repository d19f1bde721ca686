"""A system leader forms networks from the navigation, watches the run without the page reloading
itself, and publishes once, in a real browser (issue 21, items 4 and 5)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.accounts.generation import country_generate
from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.models import Run
from kindred.networks.models import Network
from kindred.schools.models import Region
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long leaders passphrase 21"


def test_a_leader_forms_networks_from_the_navigation_and_publishing_twice_publishes_once(page):
    country_generate(n_schools=300, seed=7, years=[2021, 2022, 2023], n_teachers=600)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    leader = User.objects.create_user(email="former@example.org", password=PASSWORD, full_name="Fay Former")
    RegionalRole.objects.create(user=leader, region=region)

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Formation is in the leader's navigation, and the form opens on it.
    navigate(page, "Form networks")
    assert page.get_by_label("What to propose").input_value() == "formation"
    page.get_by_label("Fewest schools in a network").fill("6")
    page.get_by_label("Most schools in a network").fill("10")
    page.get_by_role("button", name="Start").click()
    run = Run.objects.get()
    page.wait_for_url(f"**{run.get_absolute_url()}")

    # While it computes, the page does not reload itself: it offers a link, and its script
    # updates the status in place with a button that pauses the updates.
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    expect(page.get_by_role("link", name="check again")).to_be_visible()
    pause = page.get_by_role("button", name="Pause the updates")
    pause.click()
    resume = page.get_by_role("button", name="Resume the updates")
    assert resume.get_attribute("aria-pressed") == "true"
    services.run_compute(run=run)  # what the background worker does
    page.wait_for_timeout(4000)
    expect(page.get_by_text("Computing").first).to_be_visible()  # paused: nothing changed
    resume.click()
    page.get_by_role("heading", name="Quality report").wait_for()
    assert page.url.endswith(run.get_absolute_url())

    # Publishing asks first, in two tabs at once; the second click does nothing.
    page.get_by_role("link", name="Publish and invite the schools…").click()
    networks = Run.objects.get().networks.count()
    expect(page.get_by_text(f"Create {networks} networks")).to_be_visible()
    second = page.context.new_page()
    second.goto(page.url)
    page.get_by_role("button", name="Publish and invite").click()
    expect(page.get_by_text(f"Published: {networks} networks created")).to_be_visible()
    second.get_by_role("button", name="Publish and invite").click()
    expect(second.get_by_text("This run had already been published; nothing was done again.")).to_be_visible()
    assert Network.objects.count() == networks
    expect(second.get_by_text("by Fay Former")).to_be_visible()
