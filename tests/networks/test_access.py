"""Who sees and changes a network, and who belongs to it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.accounts.access import Access
from kindred.networks.access import (
    is_network_member,
    network_access,
    network_for_user,
    network_member_users,
    networks_visible_q,
)
from kindred.networks.models import Network, NetworkRole
from kindred.networks.services import membership_add, membership_end, network_role_add

pytestmark = pytest.mark.django_db


def test_coordinator_may_change_their_network(network_x, school_leader_x):
    assert network_access(school_leader_x, network_x) == Access.WRITE
    assert network_for_user(school_leader_x, network_x.pk, write=True) == network_x


def test_teacher_at_member_school_reads_but_may_not_change(network_x, teacher_x):
    assert network_access(teacher_x, network_x) == Access.READ
    with pytest.raises(PermissionDenied):
        network_for_user(teacher_x, network_x.pk, write=True)


def test_outsider_sees_a_public_network_but_not_a_private_one(network_x, private_network_x, teacher_y):
    assert network_for_user(teacher_y, network_x.pk) == network_x
    with pytest.raises(Http404):
        network_for_user(teacher_y, private_network_x.pk)
    with pytest.raises(PermissionDenied):
        network_for_user(teacher_y, network_x.pk, write=True)


def test_anonymous_visitor_sees_no_network(network_x):
    from django.contrib.auth.models import AnonymousUser

    assert network_access(AnonymousUser(), network_x) == Access.NONE
    assert not Network.objects.filter(networks_visible_q(AnonymousUser())).exists()


def test_system_leader_of_the_region_reads_a_private_network(private_network_x, system_leader):
    assert network_access(system_leader, private_network_x) == Access.READ


def test_visible_networks_are_public_ones_and_ones_the_person_belongs_to(
    network_x, private_network_x, teacher_x, teacher_y, site_admin
):
    def visible(user):
        return set(Network.objects.filter(networks_visible_q(user)))

    assert visible(teacher_x) == {network_x, private_network_x}
    assert visible(teacher_y) == {network_x}
    assert visible(site_admin) == {network_x, private_network_x}


def test_staff_of_member_schools_and_role_holders_are_the_members(network_x, teacher_x, teacher_y, school_y):
    assert set(network_member_users(network_x)) == {teacher_x, network_x.people_roles.get().user}
    assert not is_network_member(teacher_y, network_x)

    network_role_add(network=network_x, user=teacher_y, role=NetworkRole.Role.MEMBER, by=None)
    assert is_network_member(teacher_y, network_x)
    assert teacher_y in network_member_users(network_x)


def test_staff_leave_with_their_school(network_x, teacher_x, school_x, school_y, school_leader_x):
    membership_add(network=network_x, school=school_y, by=school_leader_x)
    membership_end(membership=network_x.memberships.get(school=school_x), reason="Merged", by=school_leader_x)
    assert not is_network_member(teacher_x, network_x)
    assert teacher_x not in network_member_users(network_x)


def test_member_users_lists_each_person_once(network_x, school_leader_x, school_x):
    from kindred.accounts.models import SchoolStaff

    SchoolStaff.objects.create(user=school_leader_x, school=school_x, role=SchoolStaff.Role.TEACHER)
    users = list(network_member_users(network_x))
    assert users.count(school_leader_x) == 1
