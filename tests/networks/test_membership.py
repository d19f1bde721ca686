"""Membership lifecycle and roles: ask, invite, approve, leave with a reason, replace; coordinators."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.services import account_delete
from kindred.audit.models import AuditEvent
from kindred.networks.models import Membership, MembershipRequest, Network, NetworkRole
from kindred.networks.services import (
    coordinator_hand_over,
    membership_add,
    membership_end,
    membership_replace,
    membership_request_create,
    membership_request_decide,
    network_create,
    network_role_add,
    network_role_end,
)

pytestmark = pytest.mark.django_db


def test_a_school_asks_to_join_and_the_coordinator_approves(network_x, school_y, teacher_y, school_leader_x):
    request = membership_request_create(
        network=network_x, school=school_y, kind=MembershipRequest.Kind.ASK, by=teacher_y, message="Hello"
    )
    membership_request_decide(request=request, approve=True, by=school_leader_x)
    request.refresh_from_db()
    assert request.status == MembershipRequest.Status.APPROVED
    assert request.decided_by == school_leader_x
    assert network_x.memberships.active().filter(school=school_y).exists()
    assert AuditEvent.objects.filter(action="membership.added", actor=school_leader_x).exists()


def test_a_declined_request_adds_no_member(network_x, school_y, teacher_y, school_leader_x):
    request = membership_request_create(network=network_x, school=school_y, kind="ask", by=teacher_y)
    membership_request_decide(request=request, approve=False, by=school_leader_x)
    assert not network_x.memberships.filter(school=school_y).exists()


def test_a_school_cannot_ask_twice_while_waiting(network_x, school_y, teacher_y):
    membership_request_create(network=network_x, school=school_y, kind="ask", by=teacher_y)
    with pytest.raises(ValidationError, match="already has a request"):
        membership_request_create(network=network_x, school=school_y, kind="ask", by=teacher_y)
    assert network_x.requests.count() == 1


def test_a_member_cannot_ask_to_join_again(network_x, school_x, teacher_x):
    with pytest.raises(ValidationError, match="already a member"):
        membership_request_create(network=network_x, school=school_x, kind="ask", by=teacher_x)


def test_a_full_network_takes_no_one_more(network_x, school_y, school_leader_x):
    network_x.capacity = 2
    network_x.save()
    membership_add(network=network_x, school=school_y, by=school_leader_x)
    from kindred.schools.models import School

    third = School.objects.create(registry_id="999", name="Third")
    with pytest.raises(ValidationError, match="full"):
        membership_add(network=network_x, school=third, by=school_leader_x)


def test_leaving_needs_a_reason_and_keeps_the_history(network_x, school_x, school_leader_x):
    membership = network_x.memberships.get(school=school_x)
    with pytest.raises(ValidationError, match="why"):
        membership_end(membership=membership, reason="  ", by=school_leader_x)
    membership.refresh_from_db()
    assert membership.left_at is None

    membership_end(membership=membership, reason="Joined a trust's own network", by=school_leader_x)
    assert Membership.objects.filter(pk=membership.pk, leave_reason="Joined a trust's own network").exists()
    assert not network_x.memberships.active().exists()


def test_a_school_can_rejoin_after_leaving_and_both_spells_stay(network_x, school_x, school_leader_x):
    membership_end(membership=network_x.memberships.get(school=school_x), reason="Pause", by=school_leader_x)
    membership_add(network=network_x, school=school_x, by=school_leader_x)
    assert network_x.memberships.filter(school=school_x).count() == 2
    assert network_x.memberships.active().filter(school=school_x).count() == 1


def test_a_replacement_takes_the_leavers_role_and_the_history_says_so(
    network_x, school_x, school_y, school_leader_x
):
    old = network_x.memberships.get(school=school_x)
    invitation = membership_replace(
        membership=old, school=school_y, reason="School closed", by=school_leader_x
    )
    membership_request_decide(request=invitation, approve=True, by=school_leader_x)
    new = network_x.memberships.active().get(school=school_y)
    old.refresh_from_db()
    assert old.replaced_by == new
    assert new.role == Membership.Role.LEAD
    assert old.leave_reason == "School closed"


def test_the_last_coordinator_cannot_step_down(network_x, school_leader_x):
    role = network_x.people_roles.get(user=school_leader_x)
    with pytest.raises(ValidationError, match="last coordinator"):
        network_role_end(network_role=role, by=school_leader_x)
    role.refresh_from_db()
    assert role.ended_at is None


def test_a_coordinator_hands_over_and_then_steps_down(network_x, school_leader_x, teacher_x):
    role = network_x.people_roles.get(user=school_leader_x)
    coordinator_hand_over(network_role=role, to=teacher_x, by=school_leader_x)
    coordinators = network_x.people_roles.active().filter(role=NetworkRole.Role.COORDINATOR)
    assert [r.user for r in coordinators] == [teacher_x]
    assert network_x.people_roles.filter(user=school_leader_x, ended_at__isnull=False).exists()


def test_the_last_coordinator_cannot_delete_their_account(network_x, school_leader_x):
    with pytest.raises(ValidationError, match="hand over"):
        account_delete(user=school_leader_x)
    school_leader_x.refresh_from_db()
    assert school_leader_x.deleted_at is None and school_leader_x.is_active


def test_deleting_an_account_ends_its_network_roles_and_deletes_its_profile(
    network_x, school_leader_x, teacher_x
):
    from kindred.networks.models import Connection, Profile
    from kindred.networks.services import connection_request, profile_update

    network_role_add(network=network_x, user=teacher_x, role=NetworkRole.Role.COORDINATOR, by=school_leader_x)
    profile_update(user=school_leader_x, subjects="maths", offer="Ring me on 01234")
    connection_request(from_user=school_leader_x, to_user=teacher_x)
    account_delete(user=school_leader_x)
    assert not network_x.people_roles.active().filter(user=school_leader_x).exists()
    assert network_x.people_roles.filter(user=school_leader_x).exists()  # the history stays
    assert not Profile.objects.filter(user=school_leader_x).exists()
    assert not Connection.objects.exists()


def test_the_account_deletion_page_says_to_hand_over(client, network_x, school_leader_x):
    from conftest import PASSWORD

    client.force_login(school_leader_x)
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert "hand over" in response.content.decode()
    school_leader_x.refresh_from_db()
    assert school_leader_x.is_active


def test_the_last_coordinators_school_cannot_leave_if_they_are_its_contact(
    network_x, school_x, school_leader_x
):
    network_role_add(
        network=network_x,
        user=school_leader_x,
        role=NetworkRole.Role.CONTACT_TEACHER,
        school=school_x,
        by=None,
    )
    network_x.people_roles.filter(role=NetworkRole.Role.COORDINATOR).update(school=school_x)
    with pytest.raises(ValidationError, match="last coordinator"):
        membership_end(
            membership=network_x.memberships.get(school=school_x), reason="Leaving", by=school_leader_x
        )
    assert network_x.memberships.active().filter(school=school_x).exists()


def test_a_contact_teacher_works_at_the_member_school(network_x, school_x, teacher_y, teacher_x):
    from kindred.schools.models import School

    with pytest.raises(ValidationError, match="does not work"):
        network_role_add(network=network_x, user=teacher_y, role="contact_teacher", school=school_x, by=None)
    with pytest.raises(ValidationError, match="not a member"):
        network_role_add(
            network=network_x,
            user=teacher_x,
            role="contact_teacher",
            school=School.objects.create(registry_id="777", name="Elsewhere"),
            by=None,
        )
    network_role_add(network=network_x, user=teacher_x, role="contact_teacher", school=school_x, by=None)


def test_a_contact_teacher_steps_down_when_their_school_leaves(
    network_x, school_x, teacher_x, school_leader_x
):
    role = network_role_add(
        network=network_x, user=teacher_x, role="contact_teacher", school=school_x, by=None
    )
    membership_end(
        membership=network_x.memberships.get(school=school_x), reason="Leaving", by=school_leader_x
    )
    role.refresh_from_db()
    assert role.ended_at is not None


def test_creating_a_network_makes_its_creator_coordinator(school_leader_x, region_a):
    network = network_create(
        name="  Maths hub ", kind=Network.Kind.SUBJECT, region=region_a, by=school_leader_x
    )
    assert network.name == "Maths hub"
    assert network.people_roles.get().role == NetworkRole.Role.COORDINATOR


def test_unknown_fields_and_kinds_are_refused(school_leader_x, region_a):
    with pytest.raises(ValidationError):
        network_create(name="X", kind="guild", region=region_a, by=school_leader_x)
    with pytest.raises(ValidationError):
        network_create(name="X", kind="community", region=region_a, by=school_leader_x, colour="red")
    assert not Network.objects.exists()


def test_every_membership_and_role_change_is_in_the_audit_log(
    network_x, school_x, school_y, teacher_x, school_leader_x
):
    from kindred.schools.models import School

    request = membership_request_create(network=network_x, school=school_y, kind="invite", by=school_leader_x)
    membership_request_decide(request=request, approve=True, by=school_leader_x)
    role = network_role_add(
        network=network_x, user=teacher_x, role="contact_teacher", school=school_x, by=school_leader_x
    )
    network_role_end(network_role=role, by=school_leader_x)
    third = School.objects.create(registry_id="300300", name="Third")
    replacement = membership_replace(
        membership=network_x.memberships.get(school=school_y),
        school=third,
        reason="Closed",
        by=school_leader_x,
    )
    membership_request_decide(request=replacement, approve=True, by=school_leader_x)
    actions = set(AuditEvent.objects.filter(actor=school_leader_x).values_list("action", flat=True))
    assert {
        "network.created",
        "membership.added",
        "membership_request.invited",
        "membership_request.approved",
        "network_role.added",
        "network_role.ended",
        "membership.ended",
        "membership.replaced",
    } <= actions
    ended = AuditEvent.objects.get(action="membership.ended")
    assert ended.details["reason"] == "Closed"
    assert ended.school == school_y  # filed under the school, so its region's system leaders see it
