"""Communities of communities (issue 23, item 5): networks as members of a network, with consent and
history; its board's announcements and its events reach every member network's people; its page
rolls up their plans and consultations, each as far as the reader may see.

The world: "Valley" (a private community of communities, region A's system leader coordinates it);
network X (public, school X, X's leader coordinates it) and "Yew cluster" (private, school Y, the
site admin coordinates it) are its member networks.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from kindred.accounts.access import Access
from kindred.accounts.models import SchoolStaff
from kindred.audit.models import AuditEvent
from kindred.board import delivery
from kindred.board import services as board
from kindred.board.selectors import unread_total
from kindred.events.models import Event
from kindred.events.services import event_create, feed_token_issue
from kindred.networks.access import network_access
from kindred.networks.links import link_decide, link_end, link_invite
from kindred.networks.models import Network, NetworkLink
from kindred.networks.services import membership_add, network_create, network_update
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def community(by, region, *, name="Valley", visibility=Network.Visibility.PRIVATE) -> Network:
    return network_create(
        name=name,
        kind=Network.Kind.NETWORKS,
        region=region,
        by=by,
        visibility=visibility,
        status=Network.Status.ACTIVE,
    )


def joined(parent, member, *, by, accepted_by) -> NetworkLink:
    return link_decide(link=link_invite(parent=parent, member=member, by=by), accept=True, by=accepted_by)


@pytest.fixture
def yew_cluster(school_y, site_admin):
    network = network_create(
        name="Yew cluster",
        kind=Network.Kind.CLUSTER,
        region=school_y.region,
        by=site_admin,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network, school=school_y, by=site_admin)
    return network


@pytest.fixture
def valley(system_leader, school_x, network_x, school_leader_x, yew_cluster, site_admin):
    parent = community(system_leader, school_x.region)
    joined(parent, network_x, by=system_leader, accepted_by=school_leader_x)
    joined(parent, yew_cluster, by=system_leader, accepted_by=site_admin)
    return parent


# Consent, history, no cycles -------------------------------------------------------------------


def test_an_invited_network_joins_only_when_its_coordinator_accepts(
    system_leader, network_x, school_leader_x
):
    parent = community(system_leader, network_x.region)
    link = link_invite(parent=parent, member=network_x, by=system_leader, message="Join us?")
    assert link.status == NetworkLink.Status.INVITED
    assert not NetworkLink.objects.active().exists()
    link = link_decide(link=link, accept=True, by=school_leader_x)
    assert link.status == NetworkLink.Status.ACTIVE and link.decided_by == school_leader_x
    assert list(
        AuditEvent.objects.filter(action__startswith="network_link.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "network_link.invited",
        "network_link.accepted",
    ]


def test_a_declined_and_an_ended_membership_stay_in_the_history(system_leader, network_x, school_leader_x):
    parent = community(system_leader, network_x.region)
    declined = link_decide(
        link=link_invite(parent=parent, member=network_x, by=system_leader), accept=False, by=school_leader_x
    )
    active = joined(parent, network_x, by=system_leader, accepted_by=school_leader_x)
    ended = link_end(link=active, by=school_leader_x, reason="We merged with another cluster")
    assert declined.status == NetworkLink.Status.DECLINED
    assert ended.status == NetworkLink.Status.ENDED and ended.end_reason == "We merged with another cluster"
    assert NetworkLink.objects.filter(parent=parent, member=network_x).count() == 2


def test_ending_a_membership_needs_a_reason_and_changes_nothing_without_one(
    valley, network_x, school_leader_x
):
    link = NetworkLink.objects.get(parent=valley, member=network_x)
    with pytest.raises(ValidationError):
        link_end(link=link, by=school_leader_x, reason="  ")
    link.refresh_from_db()
    assert link.status == NetworkLink.Status.ACTIVE


def test_a_withdrawn_invitation_needs_no_reason(system_leader, network_x):
    parent = community(system_leader, network_x.region)
    link = link_end(link=link_invite(parent=parent, member=network_x, by=system_leader), by=system_leader)
    assert link.status == NetworkLink.Status.WITHDRAWN


@pytest.mark.parametrize(
    "problem",
    ["not a community of communities", "itself", "closed", "invited twice"],
)
def test_bad_invitations_are_refused_and_write_nothing(problem, system_leader, network_x, school_leader_x):
    parent = community(system_leader, network_x.region)
    member = network_x
    if problem == "not a community of communities":
        parent = network_x
        member = community(system_leader, network_x.region, name="Other")
    elif problem == "itself":
        member = parent
    elif problem == "closed":
        network_update(network=network_x, by=school_leader_x, status=Network.Status.CLOSED)
    elif problem == "invited twice":
        link_invite(parent=parent, member=member, by=system_leader)
    before = NetworkLink.objects.count()
    with pytest.raises(ValidationError):
        link_invite(parent=parent, member=member, by=system_leader)
    assert NetworkLink.objects.count() == before


def test_a_network_cannot_be_above_itself(system_leader, region_a):
    country = community(system_leader, region_a, name="Country")
    valley = community(system_leader, region_a, name="Valley")
    joined(country, valley, by=system_leader, accepted_by=system_leader)
    with pytest.raises(ValidationError, match="already above"):
        link_invite(parent=valley, member=country, by=system_leader)


def test_two_crossing_invitations_cannot_both_be_accepted(system_leader, region_a):
    one = community(system_leader, region_a, name="One")
    two = community(system_leader, region_a, name="Two")
    first = link_invite(parent=one, member=two, by=system_leader)
    second = link_invite(parent=two, member=one, by=system_leader)
    link_decide(link=first, accept=True, by=system_leader)
    with pytest.raises(ValidationError, match="already above"):
        link_decide(link=second, accept=True, by=system_leader)
    second.refresh_from_db()
    assert second.status == NetworkLink.Status.INVITED


def test_communities_nest_at_most_three_levels(system_leader, region_a, network_x, school_leader_x):
    programme, country, region = (community(system_leader, region_a, name=n) for n in ("P", "C", "R"))
    joined(programme, country, by=system_leader, accepted_by=system_leader)
    joined(country, region, by=system_leader, accepted_by=system_leader)
    joined(region, network_x, by=system_leader, accepted_by=school_leader_x)
    deeper = community(system_leader, region_a, name="Above the programme")
    with pytest.raises(ValidationError, match="at most 3 levels"):
        link_invite(parent=deeper, member=programme, by=system_leader)


def test_a_community_with_member_networks_keeps_its_kind(valley, system_leader):
    with pytest.raises(ValidationError):
        network_update(network=valley, by=system_leader, kind=Network.Kind.CLUSTER)


# Who sees what -----------------------------------------------------------------------------


def test_the_people_of_member_networks_read_the_private_community_and_outsiders_do_not(
    valley, teacher_x, teacher_y, school_admin_x, no_school_user
):
    for person in (teacher_x, teacher_y, school_admin_x):
        assert network_access(person, valley) == Access.READ
    assert network_access(no_school_user, valley) == Access.NONE


def test_the_communitys_coordinator_gains_nothing_below_it_and_siblings_see_nothing_of_each_other(
    valley, yew_cluster, system_leader, teacher_x
):
    assert network_access(system_leader, valley) == Access.WRITE
    assert network_access(system_leader, yew_cluster) == Access.NONE  # region B's private cluster
    assert network_access(teacher_x, yew_cluster) == Access.NONE


def test_someone_who_leaves_stops_reading_it(valley, network_x, school_leader_x, teacher_x):
    link_end(link=NetworkLink.objects.get(parent=valley, member=network_x), by=school_leader_x, reason="Done")
    assert network_access(teacher_x, valley) == Access.NONE


def test_a_community_above_a_community_reaches_the_networks_at_the_bottom(
    valley, system_leader, region_a, teacher_x
):
    country = community(system_leader, region_a, name="Country")
    joined(country, valley, by=system_leader, accepted_by=system_leader)
    assert network_access(teacher_x, country) == Access.READ


# The board: announcements reach every member network's people ---------------------------------


def test_an_announcement_counts_unread_for_every_person_of_every_member_network(
    valley, system_leader, teacher_x, teacher_y, school_admin_x, no_school_user
):
    board.thread_create(network=valley, by=system_leader, title="Training day", body="For all", pinned=True)
    assert [unread_total(user=p) for p in (teacher_x, teacher_y, school_admin_x, no_school_user)] == [
        1,
        1,
        1,
        0,
    ]


def test_only_the_communitys_coordinators_post_announcements(valley, system_leader, teacher_x, region_a):
    with pytest.raises(PermissionDenied):
        board.thread_create(network=valley, by=teacher_x, title="Hello", body="From a member network")
    thread = board.thread_create(network=valley, by=system_leader, title="Training day", body="For all")
    with pytest.raises(PermissionDenied):
        board.post_reply(thread=thread, by=teacher_x, body="Thanks")


def test_an_announcement_is_in_the_daily_digest_of_a_member_networks_teacher(
    valley, system_leader, teacher_y
):
    start = datetime(2030, 3, 4, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        board.thread_create(network=valley, by=system_leader, title="Training day in March", body="For all")
    with time_machine.travel(start, tick=False):
        mail.outbox.clear()
        delivery.digest_run()
    to_teacher = [m for m in mail.outbox if m.to == [teacher_y.email]]
    assert len(to_teacher) == 1 and "Training day in March" in to_teacher[0].body


def test_reading_an_announcement_clears_it_from_the_unread_count(client, valley, system_leader, teacher_x):
    thread = board.thread_create(network=valley, by=system_leader, title="Training day", body="For all")
    client.force_login(teacher_x)
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert unread_total(user=teacher_x) == 0


# Shared events --------------------------------------------------------------------------------


@pytest.fixture
def shared_event(valley, system_leader):
    return event_create(
        by=system_leader,
        network=valley,
        kind=Event.Kind.TRAINING,
        title="Valley training day",
        starts_at=datetime(2030, 3, 8, 9, tzinfo=UTC),
        ends_at=datetime(2030, 3, 8, 15, tzinfo=UTC),
        time_zone="Europe/London",
    )


def test_a_shared_event_is_on_each_member_networks_calendar_and_in_its_peoples_feeds(
    client, shared_event, network_x, yew_cluster, teacher_x, teacher_y
):
    client.force_login(teacher_x)
    calendar = client.get(f"/events/networks/{network_x.pk}/?view=list&month=2030-03").content.decode()
    assert "Valley training day" in calendar
    client.force_login(teacher_y)
    calendar = client.get(f"/events/networks/{yew_cluster.pk}/?view=list&month=2030-03").content.decode()
    assert "Valley training day" in calendar
    feed = client.get(f"/events/feeds/{feed_token_issue(user=teacher_y).token}.ics").content.decode()
    assert "Valley training day" in feed


def test_a_private_communitys_event_is_not_in_a_public_member_networks_feed_nor_shown_to_outsiders(
    client, shared_event, network_x, no_school_user
):
    assert (
        "Valley training day" not in client.get(f"/events/feeds/networks/{network_x.pk}.ics").content.decode()
    )
    client.force_login(no_school_user)
    calendar = client.get(f"/events/networks/{network_x.pk}/?view=list&month=2030-03").content.decode()
    assert "Valley training day" not in calendar


def test_a_public_communitys_event_is_in_a_public_member_networks_feed(
    client, system_leader, network_x, school_leader_x
):
    public = community(system_leader, network_x.region, visibility=Network.Visibility.PUBLIC)
    joined(public, network_x, by=system_leader, accepted_by=school_leader_x)
    event_create(
        by=system_leader,
        network=public,
        kind=Event.Kind.TEACHMEET,
        title="Open TeachMeet",
        starts_at=datetime(2030, 3, 9, 16, tzinfo=UTC),
        ends_at=datetime(2030, 3, 9, 18, tzinfo=UTC),
        time_zone="Europe/London",
    )
    assert "Open TeachMeet" in client.get(f"/events/feeds/networks/{network_x.pk}.ics").content.decode()


# Roll-ups -------------------------------------------------------------------------------------


def test_the_plans_roll_up_shows_only_the_plans_the_reader_may_see(
    client, valley, network_x, yew_cluster, school_leader_x, site_admin, school_x, school_y, teacher_x
):
    from kindred.plans.services import action_add, plan_create, priority_add

    plan = plan_create(network=network_x, title="Reading for all", year=2029, by=school_leader_x)
    priority = priority_add(
        plan=plan, title="Early reading", domain="reading", source="network", by=school_leader_x
    )
    action_add(priority=priority, description="Phonics training", owner_school=school_x, by=school_leader_x)
    plan_create(network=yew_cluster, title="Yew's own plan", year=2029, by=site_admin)
    client.force_login(teacher_x)
    page = client.get(valley.get_absolute_url()).content.decode()
    assert "Reading for all" in page and "Yew&#x27;s own plan" not in page and "Yew's own plan" not in page
    client.force_login(site_admin)
    page = client.get(valley.get_absolute_url()).content.decode()
    assert "Reading for all" in page and ("Yew&#x27;s own plan" in page or "Yew's own plan" in page)


def test_the_consultations_roll_up_shows_a_mean_only_from_the_fewest_answers_allowed(
    client, valley, network_x, school_leader_x, teacher_x
):
    from kindred.voice.services import (
        consultation_create,
        consultation_status_set,
        question_add,
        response_save,
    )

    schools = [
        School.objects.create(registry_id=f"70000{n}", name=f"Member {n}", region=network_x.region)
        for n in range(3)
    ]
    leaders = []
    for n, school in enumerate(schools):
        membership_add(network=network_x, school=school, by=school_leader_x)
        leader = type(teacher_x).objects.create_user(email=f"head{n}@example.org", password="x")
        SchoolStaff.objects.create(user=leader, school=school, role=SchoolStaff.Role.LEADER)
        leaders.append(leader)
    consultation = consultation_create(
        title="Joint CPD", audience="network", network=network_x, by=school_leader_x, min_respondents=3
    )
    scale = question_add(
        consultation=consultation, kind="scale", text="How useful?", scale_top=5, by=school_leader_x
    )
    question_add(consultation=consultation, kind="text", text="Anything else?", by=school_leader_x)
    consultation_status_set(consultation=consultation, status="open", by=school_leader_x)
    for school, leader, level in zip(schools[:2], leaders[:2], ("4", "5"), strict=True):
        response_save(consultation=consultation, school=school, answers={scale.pk: level}, by=leader)
    client.force_login(teacher_x)
    page = client.get(valley.get_absolute_url()).content.decode()
    assert "Joint CPD" in page and "Too few answers to show" in page
    response_save(consultation=consultation, school=schools[2], answers={scale.pk: "3"}, by=leaders[2])
    page = client.get(valley.get_absolute_url()).content.decode()
    assert "4.0 on a scale from 1 to 5 (3 answers)" in page
    assert "Anything else?" not in page


# Pages, by persona ----------------------------------------------------------------------------


def test_a_coordinator_finds_invites_and_the_other_coordinator_accepts_on_the_pages(
    client, system_leader, network_x, school_leader_x
):
    parent = community(system_leader, network_x.region)
    client.force_login(system_leader)
    found = client.get(f"/networks/{parent.pk}/networks/?q=Xavier").content.decode()
    assert "Invite Xavier Learning Community" in found
    response = client.post(f"/networks/{parent.pk}/networks/invite/", {"member": network_x.pk})
    assert response.status_code == 302
    link = NetworkLink.objects.get(parent=parent, member=network_x, status=NetworkLink.Status.INVITED)
    client.force_login(school_leader_x)
    assert "Accept: join it" in client.get(f"/networks/{network_x.pk}/networks/").content.decode()
    client.post(f"/networks/{network_x.pk}/networks/{link.pk}/decide/", {"decision": "accept"})
    link.refresh_from_db()
    assert link.status == NetworkLink.Status.ACTIVE


def test_a_member_networks_teacher_may_not_decide_or_invite(client, system_leader, network_x, teacher_x):
    parent = community(system_leader, network_x.region)
    link = link_invite(parent=parent, member=network_x, by=system_leader)
    client.force_login(teacher_x)
    assert (
        client.post(
            f"/networks/{network_x.pk}/networks/{link.pk}/decide/", {"decision": "accept"}
        ).status_code
        == 403
    )
    assert client.post(f"/networks/{parent.pk}/networks/invite/", {"member": network_x.pk}).status_code == 404
    link.refresh_from_db()
    assert link.status == NetworkLink.Status.INVITED


def test_a_coordinator_cannot_invite_a_private_network_they_cannot_see(
    client, system_leader, yew_cluster, region_a
):
    parent = community(system_leader, region_a)
    client.force_login(system_leader)
    response = client.post(f"/networks/{parent.pk}/networks/invite/", {"member": yew_cluster.pk})
    assert response.status_code == 400
    assert not NetworkLink.objects.exists()


def test_leaving_asks_for_confirmation_then_keeps_the_reason(client, valley, network_x, school_leader_x):
    link = NetworkLink.objects.get(parent=valley, member=network_x)
    client.force_login(school_leader_x)
    url = f"/networks/{network_x.pk}/networks/{link.pk}/end/"
    assert client.post(url, {"reason": "Too many meetings"}).status_code == 200  # the confirmation page
    link.refresh_from_db()
    assert link.status == NetworkLink.Status.ACTIVE
    client.post(url, {"reason": "Too many meetings", "confirmed": "yes"})
    link.refresh_from_db()
    assert link.status == NetworkLink.Status.ENDED and link.end_reason == "Too many meetings"


def test_the_empty_community_says_what_to_do_next(client, system_leader, region_a):
    parent = community(system_leader, region_a)
    client.force_login(system_leader)
    page = client.get(parent.get_absolute_url()).content.decode()
    assert "No member networks yet: invite networks from the member networks page" in page
    assert "No member networks yet, so no plans to roll up." in page
