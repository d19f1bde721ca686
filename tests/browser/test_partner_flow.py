"""In a real browser (issue 23, item 4): a network's coordinator invites a university's lecturer as an
expert, she accepts on the network's page, the coordinator makes an event the university hosts,
and she finds it on her organisation's page; no serious accessibility violation on the way."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.events.models import Event
from kindred.networks.models import NetworkRole
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


def test_a_university_partner_is_invited_accepts_and_hosts_an_event(
    page, network_x, school_leader_x, partner, university
):
    violations = []

    # The coordinator invites the lecturer from the network's page.
    sign_in(page, school_leader_x.email)
    page.goto(network_x.get_absolute_url())
    page.get_by_text("Invite someone from a partner organisation").click()
    invite = page.locator("form[action$='/partners/invite/']")
    invite.get_by_label("Their e-mail address").fill(partner.email)
    invite.get_by_label("Role").select_option("expert")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("The invitation waits for them on this page.")).to_be_visible()
    violations += serious_violations(page)
    sign_out(page)

    # She finds it waiting on her home page, and accepts it on the network's page.
    sign_in(page, partner.email)
    page.goto("/")
    expect(page.get_by_text("invites you as Expert, for University of Region A.")).to_be_visible()
    page.goto(network_x.get_absolute_url())
    expect(page.get_by_text("You are invited to join as Expert, for University of Region A.")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_role("link", name="University of Region A")).to_be_visible()
    assert NetworkRole.objects.active().get(network=network_x, user=partner).role == "expert"
    sign_out(page)

    # The coordinator makes a seminar the university hosts.
    sign_in(page, school_leader_x.email)
    page.goto(f"/events/networks/{network_x.pk}/new/")
    page.get_by_label("Title").fill("Reading research seminar")
    page.get_by_label("Kind").select_option("training")
    page.get_by_label("Host organisation").select_option(label="University of Region A")
    page.get_by_label("Starts").fill("2030-01-08T16:00")
    page.get_by_label("Ends").fill("2030-01-08T17:30")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("link", name="University of Region A")).to_be_visible()
    assert Event.objects.get(title="Reading research seminar").host_organisation == university
    sign_out(page)

    # She sees her organisation's page, with the network and (a year ahead) its events.
    sign_in(page, partner.email)
    page.goto(f"/organisations/{university.pk}/")
    expect(page.get_by_role("link", name="Xavier Learning Community")).to_be_visible()
    violations += serious_violations(page)
    page.goto("/organisations/")
    violations += serious_violations(page)
    assert violations == []
