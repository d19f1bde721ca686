"""The leader's workflow on a generated country: compute, review, adjust, publish; schools answer."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.audit.models import AuditEvent
from kindred.brokering import services
from kindred.brokering.models import Invitation, Run
from kindred.networks.models import Membership, Network
from kindred.schools.models import Region, School


@pytest.fixture
def region(small_country) -> Region:
    """The region with the most schools."""
    return max(Region.objects.all(), key=lambda r: r.schools.count())


@pytest.fixture
def leader(region) -> User:
    user = User.objects.create_user(email="lead@example.org", password=None, full_name="Lea Leader")
    RegionalRole.objects.create(user=user, region=region)
    return user


def formation_run(region, leader, **sizes) -> Run:
    run = services.run_create(
        kind="formation",
        region=region,
        by=leader,
        min_size=sizes.get("low", 6),
        max_size=sizes.get("high", 10),
    )
    services.run_compute(run=run)
    run.refresh_from_db()
    return run


def test_a_formation_run_places_every_located_school_of_the_region_in_bounds_with_a_report(region, leader):
    run = formation_run(region, leader)
    assert run.status == Run.Status.REVIEW
    located = School.objects.filter(region=region, latitude__isnull=False).exclude(
        status=School.Status.CLOSED
    )
    invited = Invitation.objects.filter(proposed_network__run=run)
    assert set(invited.values_list("school_id", flat=True)) == set(located.values_list("pk", flat=True))
    sizes = [n.invitations.count() for n in run.networks.all()]
    assert min(sizes) >= 6 and max(sizes) <= 10
    assert all(n.invitations.filter(role=Invitation.Role.HOST).count() == 1 for n in run.networks.all())
    assert run.report["sizes_in_bounds"] and run.report["lower_bound_km"] <= run.report["travel_total_km"]
    assert AuditEvent.objects.filter(action="brokering.run_computed").exists()


def test_a_locked_network_keeps_its_schools_and_an_excluded_school_is_left_out_when_computed_again(
    region, leader
):
    run = formation_run(region, leader)
    first = run.networks.order_by("number").first()
    kept = set(first.invitations.values_list("school_id", flat=True))
    services.network_lock(proposed_network=first, locked=True, by=leader)
    other = run.networks.exclude(pk=first.pk).first().invitations.first().school
    services.school_exclude(run=run, school=other, by=leader)
    services.run_compute(run=run)
    first.refresh_from_db()
    assert set(first.invitations.values_list("school_id", flat=True)) == kept
    assert not Invitation.objects.filter(proposed_network__run=run, school=other).exists()
    assert run.networks.count() >= 2


def test_moving_a_school_respects_the_sizes_and_locks(region, leader):
    run = formation_run(region, leader, low=6, high=10)
    networks = list(run.networks.order_by("number"))
    big = max(networks, key=lambda n: n.invitations.count())
    small = min(networks, key=lambda n: n.invitations.count())
    school = big.invitations.first().school
    if big.invitations.count() > 6 and small.invitations.count() < 10:
        services.school_move(run=run, school=school, to=small, by=leader)
        assert small.invitations.filter(school=school).exists()
    services.network_lock(proposed_network=small, locked=True, by=leader)
    mover = next(n for n in networks if n.pk != small.pk).invitations.first().school
    with pytest.raises(ValidationError, match="Unlock the network first"):
        services.school_move(run=run, school=mover, to=small, by=leader)


def test_publishing_creates_networks_and_accepting_makes_members_with_the_host_as_lead_and_starts_a_rota(
    region, leader
):
    run = formation_run(region, leader)
    done = services.run_publish(run=run, by=leader)
    run.refresh_from_db()
    assert run.status == Run.Status.PUBLISHED and done.created == run.networks.count()
    proposed = run.networks.order_by("number").first()
    network = proposed.network
    assert network.kind == Network.Kind.CLUSTER and network.region == region
    assert network.memberships.active().count() == 0  # nobody is a member before answering
    invitations = list(proposed.invitations.order_by("-role"))
    host = next(i for i in invitations if i.role == Invitation.Role.HOST)
    services.invitation_answer(invitation=host, accept=True, by=leader)
    other = next(i for i in invitations if i.role == Invitation.Role.MEMBER)
    services.invitation_answer(invitation=other, accept=True, by=leader)
    declining = next(i for i in invitations if i.role == Invitation.Role.MEMBER and i.pk != other.pk)
    services.invitation_answer(invitation=declining, accept=False, by=leader)
    assert Membership.objects.get(network=network, school=host.school).role == Membership.Role.LEAD
    assert Membership.objects.get(network=network, school=other.school).role == Membership.Role.MEMBER
    assert not Membership.objects.filter(network=network, school=declining.school).exists()
    assert network.rota_turns.values("date").distinct().count() == services.ROTA_MEETINGS
    with pytest.raises(ValidationError, match="already been answered"):
        services.invitation_answer(invitation=declining, accept=True, by=leader)


def test_a_published_run_cannot_be_changed(region, leader):
    run = formation_run(region, leader)
    services.run_publish(run=run, by=leader)
    with pytest.raises(ValidationError, match="only a run under review can be changed"):
        services.network_lock(proposed_network=run.networks.first(), locked=True, by=leader)


def test_too_few_schools_for_the_sizes_fails_the_run_with_the_reason(region, leader):
    run = services.run_create(kind="formation", region=region, by=leader, min_size=90, max_size=95)
    with pytest.raises(Exception, match="cannot"):
        services.run_compute(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and "cannot" in run.report["error"]


def test_a_brokering_run_proposes_partnerships_that_become_mentor_and_mentee_memberships(region, leader):
    run = services.run_create(kind="brokering", region=region, by=leader)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW and run.report["gap"] <= 0.001
    pair = run.networks.first()
    assert pair is not None, "the region's red and amber schools have needs"
    need = pair.invitations.get(role=Invitation.Role.NEED)
    partner = pair.invitations.get(role=Invitation.Role.PARTNER)
    assert need.reasons["km"] >= 0 and pair.domain
    services.run_publish(run=run, by=leader)
    need.refresh_from_db()
    partner.refresh_from_db()
    services.invitation_answer(invitation=need, accept=True, by=leader)
    services.invitation_answer(invitation=partner, accept=True, by=leader)
    pair.refresh_from_db()
    roles = dict(pair.network.memberships.values_list("school_id", "role"))
    assert roles == {need.school_id: Membership.Role.MENTEE, partner.school_id: Membership.Role.MENTOR}
    assert pair.network.kind == Network.Kind.PARTNERSHIP


def test_the_run_page_lists_proposals_with_a_bounded_number_of_queries(
    client, region, leader, django_assert_max_num_queries
):
    run = formation_run(region, leader)
    client.force_login(leader)
    with django_assert_max_num_queries(20):
        response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Quality report" in body and "lower bound" in body and "<svg" in body


def test_a_school_leader_answers_an_invitation_from_the_school_page(client, region, leader):
    run = formation_run(region, leader)
    services.run_publish(run=run, by=leader)
    invitation = Invitation.objects.filter(proposed_network__run=run).select_related("school").first()
    head = User.objects.create_user(email="head@example.org", password=None)
    SchoolStaff.objects.create(user=head, school=invitation.school, role=SchoolStaff.Role.LEADER)
    client.force_login(head)
    listing = client.get(f"/schools/{invitation.school.registry_id}/invitations/")
    assert escape(invitation.proposed_network.network.name) in listing.content.decode()
    client.post(
        f"/schools/{invitation.school.registry_id}/invitations/{invitation.pk}/answer/", {"accept": "yes"}
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.proposed_network.network.memberships.filter(school=invitation.school).exists()
