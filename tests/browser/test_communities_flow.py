"""In a real browser (issue 23, item 5): the coordinator of a community of communities finds a network
and invites it, the network's coordinator accepts, the community's coordinator posts an announcement,
and a teacher of a school in the member network finds it unread on their boards and reads it; no
serious accessibility violation on the way."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.board.models import Thread
from kindred.networks.models import Network, NetworkLink
from kindred.networks.services import network_create
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


def test_a_coordinator_adds_a_member_network_and_its_teacher_reads_the_announcement(
    page, network_x, school_leader_x, system_leader, teacher_x
):
    violations = []
    valley = network_create(
        name="Valley networks together",
        kind=Network.Kind.NETWORKS,
        region=network_x.region,
        by=system_leader,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )

    # The community's coordinator finds the network by its name and invites it.
    sign_in(page, system_leader.email)
    page.goto(valley.get_absolute_url())
    expect(page.get_by_text("No member networks yet: invite networks")).to_be_visible()
    page.get_by_role("link", name="Invite a network").click()
    page.get_by_label("Find a network by its name").fill("Xavier")
    page.get_by_role("button", name="Find").click()
    violations += serious_violations(page)
    page.get_by_role("button", name="Invite Xavier Learning Community").click()
    expect(
        page.get_by_text("Xavier Learning Community is invited; it joins when its coordinators accept.")
    ).to_be_visible()
    sign_out(page)

    # The network's coordinator finds the invitation on the network's page and accepts it.
    sign_in(page, school_leader_x.email)
    page.goto(network_x.get_absolute_url())
    page.get_by_role("link", name="Accept or decline").click()
    violations += serious_violations(page)
    page.get_by_role("button", name="Accept: join it").click()
    expect(
        page.get_by_text("Xavier Learning Community is a member of Valley networks together")
    ).to_be_visible()
    assert NetworkLink.objects.get(parent=valley, member=network_x).status == NetworkLink.Status.ACTIVE
    sign_out(page)

    # The community's coordinator posts an announcement on its board.
    sign_in(page, system_leader.email)
    page.goto(f"/board/networks/{valley.pk}/")
    page.get_by_role("link", name="Post an announcement").click()
    page.get_by_label("Title").fill("One training day for every network")
    page.get_by_label("Message").fill("Every network of the valley meets on the first Friday of March.")
    page.get_by_role("button", name="Post the thread").click()
    expect(
        page.get_by_text("Every network of the valley meets on the first Friday of March.")
    ).to_be_visible()
    sign_out(page)

    # A teacher of a school in the member network finds it unread on their boards, and reads it.
    sign_in(page, teacher_x.email)
    page.goto("/board/")
    expect(page.locator("#unread-total")).to_have_text(re.compile(r"^1 unread post"))
    violations += serious_violations(page)
    page.get_by_role("link", name="Valley networks together").click()
    expect(page.get_by_role("link", name="Post an announcement")).to_have_count(0)
    page.get_by_role("link", name="One training day for every network").click()
    expect(
        page.get_by_text("Every network of the valley meets on the first Friday of March.")
    ).to_be_visible()
    violations += serious_violations(page)
    page.goto("/board/")
    expect(page.locator("#unread-total")).to_have_text(re.compile(r"^0 unread posts"))
    assert Thread.objects.get(network=valley).title == "One training day for every network"
    assert violations == []
