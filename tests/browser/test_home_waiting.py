"""The home page's waiting items in a real browser (issue 21, item 11): a coordinator who also leads
a school sees an ask to approve, an invitation for their school, unread posts (counted in the
navigation too), an event this week and a peer review to do, at 360 px with no serious axe-core
finding; following "Approve or decline" and approving empties that part; the calendar's month, with
other months' days, passes axe's colour contrast (item 17)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import SchoolStaff, User
from kindred.board.services import thread_create
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.frameworks.services import peer_review_request
from kindred.networks.models import MembershipRequest, Network
from kindred.networks.services import membership_add, membership_request_create, network_create
from tests.browser.axe import serious_violations
from tests.browser.navigation import navigate
from tests.browser.test_calendar_flow import sign_in
from tests.frameworks.conftest import framework_example_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sees_what_waits_acts_on_it_and_the_pages_pass_axe_at_360_px(
    page, network_x, school_leader_x, school_x, school_y, teacher_x
):
    leader_y = User.objects.create_user(email="head.y@example.org", password=None, full_name="Head Y")
    SchoolStaff.objects.create(user=leader_y, school=school_y, role="leader")
    maths = network_create(
        name="Valley Maths Group", kind=Network.Kind.SUBJECT, region=school_y.region, by=leader_y
    )
    membership_add(network=maths, school=school_y, by=leader_y)
    membership_request_create(network=maths, kind=MembershipRequest.Kind.INVITE, school=school_x, by=leader_y)
    membership_request_create(
        network=network_x, kind=MembershipRequest.Kind.ASK, school=school_y, by=leader_y
    )
    thread_create(network=network_x, by=teacher_x, title="Phonics resources", body="Any favourites?")
    start = timezone.now() + timedelta(days=2)
    event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TEACHMEET,
        title="Reading TeachMeet",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="Europe/London",
        host_school=school_x,
    )
    peer_review_request(
        school=school_y, reviewer_school=school_x, version=framework_example_load(), year=2025, by=leader_y
    )

    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, school_leader_x.email)
    page.goto("/")
    waiting = page.locator("#waiting")
    assert "Valley Maths Group invites Xavier Primary." in waiting.inner_text()
    assert "Yew Tree Academy asks to join Xavier Learning Community." in waiting.inner_text()
    expect(waiting.get_by_role("link", name="Xavier Learning Community: 1 unread post")).to_be_visible()
    expect(waiting.get_by_role("link", name="Reading TeachMeet")).to_be_visible()
    expect(waiting.get_by_role("link", name="Rate it now")).to_be_visible()
    assert page.locator("#nav-unread").inner_text().startswith("1")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []

    # The ask is approved where it waits; the home page no longer lists it.
    waiting.get_by_role("link", name="Approve or decline").click()
    assert page.url.endswith("#requests")
    page.locator("#requests").locator("..").get_by_role("button", name=re.compile("^Approve")).first.click()
    page.goto("/")
    assert "asks to join" not in page.locator("#waiting").inner_text()

    # The calendar's month, with days of the months before and after (January 2030 starts on a
    # Tuesday): no contrast failure.
    january = datetime(2030, 1, 15, 16, tzinfo=UTC)
    event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TRAINING,
        title="Phonics training",
        starts_at=january,
        ends_at=january + timedelta(hours=1),
        time_zone="Europe/London",
        host_school=school_x,
    )
    navigate(page, "Calendar")
    page.goto("/events/mine/?month=2030-01")
    assert page.locator("td.other-month").count() > 0
    assert serious_violations(page) == []


def test_someone_with_nothing_waiting_is_told_what_to_do_next(page, teacher_x):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, teacher_x.email)
    page.goto("/")
    waiting = page.locator("#waiting")
    assert "Nothing is waiting for you" in waiting.inner_text()
    expect(waiting.get_by_role("link", name="Find a network to join")).to_be_visible()
    assert page.locator("#nav-unread").count() == 0
    assert serious_violations(page) == []
