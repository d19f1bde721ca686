"""The home page lists what waits for a person, each with a link to act (issue 21, item 11)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.accounts.models import JoinRequest, SchoolStaff, User
from kindred.board.services import post_reply, thread_create
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.networks.models import MembershipRequest, Network
from kindred.networks.services import membership_add, membership_request_create, network_create

pytestmark = pytest.mark.django_db


def waiting_part(client) -> str:
    page = client.get("/").content.decode()
    start = page.index('id="waiting"')
    return page[start : page.index("</div>", start)]


@pytest.fixture
def other_network(school_y, region_b):
    leader_y = User.objects.create_user(email="head.y@example.org", password=None, full_name="Head Y")
    SchoolStaff.objects.create(user=leader_y, school=school_y, role="leader")
    network = network_create(
        name="Valley Maths Group", kind=Network.Kind.SUBJECT, region=region_b, by=leader_y, subject="maths"
    )
    membership_add(network=network, school=school_y, by=leader_y)
    return network, leader_y


def test_a_school_leader_sees_a_network_invitation_for_their_school_with_where_to_answer(
    client, school_leader_x, school_x, other_network
):
    network, leader_y = other_network
    membership_request_create(
        network=network, kind=MembershipRequest.Kind.INVITE, school=school_x, by=leader_y
    )
    client.force_login(school_leader_x)
    part = waiting_part(client)
    assert "Valley Maths Group invites Xavier Primary." in part
    assert f'href="{network.get_absolute_url()}#own-requests"' in part


def test_a_teacher_is_not_shown_the_schools_invitation_they_cannot_answer(
    client, teacher_x, school_x, other_network
):
    network, leader_y = other_network
    membership_request_create(
        network=network, kind=MembershipRequest.Kind.INVITE, school=school_x, by=leader_y
    )
    client.force_login(teacher_x)
    assert "invites Xavier Primary" not in waiting_part(client)


def test_a_coordinator_sees_the_asks_to_join_and_a_link_to_decide(
    client, network_x, school_leader_x, school_y, other_network
):
    _network, leader_y = other_network
    membership_request_create(
        network=network_x, kind=MembershipRequest.Kind.ASK, school=school_y, by=leader_y
    )
    client.force_login(school_leader_x)
    part = waiting_part(client)
    assert "Yew Tree Academy asks to join Xavier Learning Community." in part
    assert f'href="{network_x.get_absolute_url()}#requests"' in part


def test_a_decided_ask_no_longer_waits(client, network_x, school_leader_x, school_y, other_network):
    from kindred.networks.services import membership_request_decide

    _network, leader_y = other_network
    ask = membership_request_create(
        network=network_x, kind=MembershipRequest.Kind.ASK, school=school_y, by=leader_y
    )
    membership_request_decide(request=ask, approve=False, by=school_leader_x)
    client.force_login(school_leader_x)
    assert "asks to join" not in waiting_part(client)


def test_a_school_administrator_sees_requests_to_join_the_staff(
    client, school_admin_x, school_x, no_school_user
):
    JoinRequest.objects.create(user=no_school_user, school=school_x, role="teacher")
    client.force_login(school_admin_x)
    part = waiting_part(client)
    assert "asks to join the staff of Xavier Primary (Teacher)." in part
    assert f'href="/accounts/schools/{school_x.registry_id}/staff/"' in part


def test_unread_posts_are_counted_per_network_on_the_page_and_in_the_navigation(
    client, network_x, school_leader_x, teacher_x
):
    thread = thread_create(network=network_x, by=school_leader_x, title="Phonics", body="First")
    post_reply(thread=thread, by=school_leader_x, body="Second")
    client.force_login(teacher_x)
    page = client.get("/").content.decode()
    assert "Xavier Learning Community: 2 unread posts" in page
    assert f'href="/board/networks/{network_x.pk}/"' in page
    assert '<span class="badge" id="nav-unread">2<span class="visually-hidden"> unread posts</span>' in page
    # Reading the thread clears the count, here and on every other page's navigation.
    client.get(f"/board/threads/{thread.pk}/")
    assert 'id="nav-unread"' not in client.get("/").content.decode()
    assert 'id="nav-unread"' not in client.get("/networks/").content.decode()


def test_the_navigation_counts_unread_posts_on_other_pages_too(client, network_x, school_leader_x, teacher_x):
    thread_create(network=network_x, by=school_leader_x, title="Phonics", body="First")
    client.force_login(teacher_x)
    assert '<span class="badge" id="nav-unread">1<' in client.get("/networks/").content.decode()


def test_the_navigation_says_99_plus_past_the_cap(client, network_x, school_leader_x, teacher_x, settings):
    from kindred.board import selectors

    thread = thread_create(network=network_x, by=school_leader_x, title="Busy", body="0")
    for n in range(4):
        post_reply(thread=thread, by=school_leader_x, body=str(n))
    assert selectors.unread_total_capped(user=teacher_x, cap=3) == 3
    assert selectors.unread_total_capped(user=teacher_x) == 5


def test_events_of_the_next_seven_days_are_listed_and_later_ones_are_not(
    client, network_x, school_leader_x, teacher_x, school_x
):
    soon = timezone.now() + timedelta(days=2)
    later = timezone.now() + timedelta(days=12)
    for title, start in (("Reading TeachMeet", soon), ("Summer fair", later)):
        event_create(
            by=school_leader_x,
            network=network_x,
            kind=Event.Kind.TEACHMEET,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            time_zone="Europe/London",
            host_school=school_x,
        )
    client.force_login(teacher_x)
    part = waiting_part(client)
    assert "Events in the next seven days" in part and "Reading TeachMeet" in part
    assert "Summer fair" not in part
    assert "/events/" in part and "?at=" in part


def test_a_peer_review_asked_of_the_school_waits_until_it_is_rated(
    client, school_x, school_y, school_leader_x
):
    from kindred.frameworks.models import Evaluation
    from kindred.frameworks.services import peer_review_request
    from tests.frameworks.conftest import framework_example_load

    version = framework_example_load()
    leader_y = User.objects.create_user(email="head.y@example.org", password=None)
    SchoolStaff.objects.create(user=leader_y, school=school_y, role="leader")
    review = peer_review_request(
        school=school_x, reviewer_school=school_y, version=version, year=2025, by=school_leader_x
    )
    client.force_login(leader_y)
    part = waiting_part(client)
    assert "Xavier Primary asks Yew Tree Academy to review it" in part
    assert f'href="/self-evaluation/peer-reviews/{review.pk}/rate/"' in part
    Evaluation.objects.create(
        school=school_x, version=version, year=2025, kind="peer", author=leader_y, peer_review=review
    )
    assert "to review it" not in waiting_part(client)


def test_with_nothing_waiting_the_page_says_what_to_do_next(client, teacher_x):
    client.force_login(teacher_x)
    part = waiting_part(client)
    assert "Nothing is waiting for you" in part
    assert 'href="/networks/"' in part and 'href="/events/mine/"' in part


def test_the_home_page_with_everything_waiting_uses_a_bounded_number_of_queries(
    client,
    network_x,
    school_leader_x,
    school_admin_x,
    school_x,
    school_y,
    other_network,
    django_assert_max_num_queries,
):
    """Many of each kind waiting: the query count does not grow with them."""
    network, leader_y = other_network
    SchoolStaff.objects.create(user=school_leader_x, school=school_x, role="administrator")
    for n in range(8):
        extra = network_create(
            name=f"Group {n}", kind=Network.Kind.SUBJECT, region=network.region, by=leader_y
        )
        membership_request_create(
            network=extra, kind=MembershipRequest.Kind.INVITE, school=school_x, by=leader_y
        )
        person = User.objects.create_user(email=f"p{n}@example.org", password=None)
        JoinRequest.objects.create(user=person, school=school_x, role="teacher")
        membership_request_create(
            network=network_x, kind=MembershipRequest.Kind.ASK, person=person, by=person
        )
        thread = thread_create(network=network_x, by=school_admin_x, title=f"T{n}", body="x")
        start = timezone.now() + timedelta(days=1, hours=n)
        event_create(
            by=school_leader_x,
            network=network_x,
            kind=Event.Kind.TEACHMEET,
            title=f"E{n}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            time_zone="Europe/London",
            host_school=school_x,
        )
    assert thread
    client.force_login(school_leader_x)
    with django_assert_max_num_queries(22):  # as for a teacher with nothing waiting (test_home.py)
        page = client.get("/").content.decode()
    assert page.count("invites Xavier Primary.") == 5 and page.count("asks to join") == 10
    assert "8 unread posts" in page
