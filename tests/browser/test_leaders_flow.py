"""A system leader forms networks and brokers partners from the navigation, watches the run without the
page reloading itself, publishes once and sees what they published, in a real browser (issue 21, items 4
and 5, and its "done when")."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.accounts.generation import country_generate
from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.models import Invitation, Run
from kindred.networks.models import Network
from kindred.schools.models import Region
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long leaders passphrase 21"


def _leader_signed_in(page, email: str, name: str) -> User:
    """A generated country with its evidence, and a system leader of its largest region, signed in."""
    country_generate(n_schools=300, seed=7, years=[2021, 2022, 2023], n_teachers=600)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    leader = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    RegionalRole.objects.create(user=leader, region=region)
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(leader.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return leader


def test_a_leader_forms_networks_from_the_navigation_and_publishing_twice_publishes_once(page):
    _leader_signed_in(page, "former@example.org", "Fay Former")

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


def test_a_leader_brokers_partners_from_the_navigation_publishes_once_and_sees_what_was_published(page):
    _leader_signed_in(page, "broker@example.org", "Bo Broker")

    # Brokering is in the leader's navigation too, and the form opens on it.
    navigate(page, "Broker partners")
    assert page.get_by_label("What to propose").input_value() == "brokering"
    page.get_by_role("button", name="Start").click()
    run = Run.objects.get()
    page.wait_for_url(f"**{run.get_absolute_url()}")
    services.run_compute(run=run)  # what the background worker does
    page.get_by_role("heading", name="Quality report").wait_for()  # updated in place, no reload
    pairs = Run.objects.get().networks.count()
    assert pairs >= 1, "the region's red and amber schools have needs"

    # It asks first, then publishes once: every partnership is created, its two schools invited.
    page.get_by_role("link", name="Publish and invite the schools…").click()
    expect(page.get_by_text(f"Create {pairs} partnerships, private")).to_be_visible()
    page.get_by_role("button", name="Publish and invite").click()
    expect(page.get_by_text(f"Published: {pairs} networks created")).to_be_visible()
    invited = Invitation.objects.filter(proposed_network__run=run).count()
    expect(
        page.get_by_text(f"{pairs} networks created, 0 existing networks joined, {invited} schools invited.")
    ).to_be_visible()
    expect(page.get_by_text(f"Answers so far: 0 accepted, 0 declined, {invited} waiting.")).to_be_visible()
    assert page.get_by_role("button", name="Publish and invite").count() == 0  # nothing left to publish

    # What was published: each proposal links to its partnership, which shows its invited schools
    # (not an empty network); the runs list says what the run did.
    page.get_by_role("link", name="Published", exact=True).first.click()
    first = Run.objects.get().networks.order_by("number").first().network
    page.wait_for_url(f"**{first.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Invited, waiting for an answer")).to_be_visible()
    expect(page.get_by_text("No member schools yet: 2 schools are invited")).to_be_visible()
    navigate(page, "Broker partners")
    expect(
        page.get_by_text(f"{pairs} networks created, 0 existing networks joined, {invited} schools invited.")
    ).to_be_visible()
    assert Network.objects.filter(kind=Network.Kind.PARTNERSHIP).count() == pairs
