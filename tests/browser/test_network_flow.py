"""In a real browser: a teacher finds a network, asks to join, the coordinator approves; the
network pages have no serious or critical accessibility violation (axe-core)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.networks.models import MembershipRequest, NetworkRole
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


def test_teacher_finds_a_network_asks_to_join_and_the_coordinator_approves(
    page, network_x, teacher_y, school_leader_x
):
    violations = []

    # The teacher finds the network from the navigation, by its subject.
    sign_in(page, teacher_y.email)
    navigate(page, "Networks")
    violations += serious_violations(page)
    page.get_by_label("Search").fill("reading")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Xavier Learning Community").click()
    expect(page.get_by_role("heading", name="Xavier Learning Community")).to_be_visible()
    violations += serious_violations(page)

    # They ask to join, with a message.
    page.get_by_label("Message to the coordinators").fill("I lead reading in my school")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text("Your request has gone to the network's coordinators.")).to_be_visible()
    expect(page.get_by_text("Your request to join is waiting for the coordinators.")).to_be_visible()
    sign_out(page)

    # The coordinator sees the request on the network's page and approves it.
    sign_in(page, school_leader_x.email)
    page.goto(network_x.get_absolute_url())
    expect(page.get_by_text("I lead reading in my school")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_role("button", name=re.compile("^Approve teacher.y")).click()
    expect(page.get_by_role("link", name="teacher.y")).to_be_visible()  # now listed under people and roles
    assert NetworkRole.objects.active().filter(network=network_x, user=teacher_y, role="member").exists()
    assert MembershipRequest.objects.get(person=teacher_y).status == MembershipRequest.Status.APPROVED

    # The rota page, for the coordinator, is accessible too.
    page.get_by_role("link", name="The rota").click()
    page.wait_for_url("**/rota/")
    violations += serious_violations(page)
    sign_out(page)

    # The teacher now finds the network under their own networks.
    sign_in(page, teacher_y.email)
    page.goto("/networks/")
    expect(
        page.get_by_role("region", name="Your networks").get_by_role("link", name="Xavier Learning Community")
    ).to_be_visible()
    page.goto("/people/me/")
    violations += serious_violations(page)
    page.get_by_label("Subjects").fill("Reading, phonics")
    page.get_by_label("Everyone signed in").check()
    page.get_by_role("button", name="Save").click()
    violations += serious_violations(page)
    page.goto("/people/?q=reading")
    violations += serious_violations(page)
    assert violations == []


def test_the_axe_check_does_report_a_serious_violation(page):
    """The harness can fail: a form field with no label is a critical violation."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    assert any("label" in line for line in serious_violations(page))
