"""In a real browser: a coordinator creates a recurring event; people register until it is full; a
cancellation promotes the waiting list; a teacher subscribes to their feed; a resource and a new
version are uploaded; an offer is made and a matched request accepted. The pages have no serious
or critical accessibility violation (axe-core)."""

import re

import icalendar
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.events.models import Event, Registration
from kindred.library.models import Resource
from kindred.offers.models import Match
from tests.browser.axe import serious_violations
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    navigate(page, re.compile("^Sign out"), role="button")


def test_a_recurring_event_fills_up_and_a_cancellation_promotes_the_waiting_list(
    page, network_x, school_leader_x, teacher_x, school_admin_x
):
    violations = []
    sign_in(page, school_leader_x.email)
    page.goto(f"/events/networks/{network_x.pk}/")
    violations += serious_violations(page)
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Phonics lesson study")
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Starts").fill("2030-01-08T16:00")
    page.get_by_label("Ends").fill("2030-01-08T17:00")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("By a rule I write (RFC 5545, advanced)").check()
    page.get_by_label("Rule (RFC 5545)").fill("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3")
    page.get_by_label("Places").fill("1")
    violations += serious_violations(page)
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_text("Event created.")).to_be_visible()
    event = Event.objects.get(title="Phonics lesson study")
    assert event.rrule.startswith("FREQ=WEEKLY")
    sign_out(page)

    # The teacher takes the only place of the first date.
    sign_in(page, teacher_x.email)
    page.goto(event.get_absolute_url())
    violations += serious_violations(page)
    page.get_by_role("button", name="Register myself").click()
    expect(page.get_by_text("You have a place.").first).to_be_visible()
    sign_out(page)

    # The office manager is put on the waiting list.
    sign_in(page, school_admin_x.email)
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Register myself").click()
    expect(page.get_by_text("You are on the waiting list.")).to_be_visible()
    sign_out(page)

    # The teacher cancels; the office manager is promoted.
    sign_in(page, teacher_x.email)
    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="Cancel my registration").click()
    # A confirmation page first (issue 21.13): nothing is cancelled until the teacher confirms.
    assert Registration.objects.get(user=teacher_x).status == "confirmed"
    page.get_by_role("button", name="Cancel the registration").click()
    expect(page.get_by_text("1 on the waiting list now have a place.")).to_be_visible()
    assert Registration.objects.get(user=school_admin_x).status == "confirmed"

    # The teacher subscribes to their calendar feed; it parses and has the event.
    page.goto("/events/mine/")
    page.get_by_role("link", name="Subscribe to your calendar in your calendar app").click()
    page.get_by_role("button", name="Make my address").click()
    violations += serious_violations(page)
    address = page.get_by_label("Your address").input_value()
    feed = icalendar.Calendar.from_ical(page.request.get(address).body())
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Phonics lesson study"]
    assert violations == []


def test_a_resource_gets_a_new_version_and_an_offer_is_matched_and_accepted(
    page, network_x, school_leader_x, site_admin, school_y, tmp_path
):
    from kindred.offers.services import match_propose, request_create

    violations = []
    sign_in(page, school_leader_x.email)
    page.goto(f"/library/new/?network={network_x.pk}")
    page.get_by_label("Title").fill("Reading plan")
    page.get_by_label("Licence").select_option("CC-BY-SA-4.0")
    first = tmp_path / "plan.txt"
    first.write_text("Week 1: book talk\n")
    page.get_by_label("File").set_input_files(str(first))
    violations += serious_violations(page)
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text("Shared.")).to_be_visible()
    second = tmp_path / "plan-v2.txt"
    second.write_text("Week 1: book talk\nWeek 2: reading aloud\n")
    page.get_by_label("New version").set_input_files(str(second))
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.get_by_text("Version 2 added.")).to_be_visible()
    violations += serious_violations(page)
    assert Resource.objects.get(title="Reading plan").versions.count() == 2

    # The coordinator's school offers mentoring in reading.
    page.goto("/offers/")
    page.locator("#o-domain").fill("reading")
    page.locator("#o-format").select_option("mentoring")
    page.get_by_role("button", name="Offer", exact=True).click()
    expect(page.get_by_text("Your offer is open.")).to_be_visible()

    # School Y asks for support and picks the offer (done here through the services, by an admin).
    support = request_create(school=school_y, domain="reading", needs="Year 1 phonics", by=site_admin)
    from kindred.offers.models import Offer

    match_propose(request=support, offer=Offer.objects.get(), outcome="partnership", by=site_admin)
    page.goto("/offers/")
    violations += serious_violations(page)
    page.get_by_role("button", name="Agree").click()
    expect(page.get_by_role("heading", name=re.compile("Xavier Primary & Yew Tree Academy"))).to_be_visible()
    assert Match.objects.get().agreed
    assert violations == []
