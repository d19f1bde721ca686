"""The demo's networks: one of every kind, living (history, rota), the coordinator coordinating two, and
a community of communities over those two with an announcement and a shared event."""

import pytest

from kindred.accounts.models import SchoolStaff, User
from kindred.demo.communities import demo_communities_create
from kindred.demo.networks import demo_networks_create
from kindred.networks.models import Membership, Network, NetworkRole, RotaTurn
from kindred.networks.selectors import people_search
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(region_a):
    schools = [
        School.objects.create(registry_id=f"7{i:05d}", name=f"Demo {i}", region=region_a) for i in range(30)
    ]
    coordinator = User.objects.create_user(email="coordinator@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=coordinator, school=schools[0], role=SchoolStaff.Role.LEADER)
    teacher = User.objects.create_user(email="teacher@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=teacher, school=schools[1], role=SchoolStaff.Role.TEACHER)
    networks = demo_networks_create(region=region_a, coordinator=coordinator, teacher=teacher, password="x")
    return networks, coordinator, teacher


@pytest.fixture
def communities(demo, region_a, system_leader):
    networks, coordinator, _ = demo
    return demo_communities_create(
        region=region_a, leader=system_leader, coordinator=coordinator, networks=networks
    )


def test_every_kind_of_network_is_in_the_demo(demo, communities):
    # the informal groups among them (an exams officers' group is one only where started from below),
    # and the community of communities over the coordinator's two first networks
    assert set(Network.objects.values_list("kind", flat=True)) == set(Network.Kind.values)


def test_the_demo_community_of_communities_reaches_both_networks_people(demo, communities):
    from kindred.board.selectors import unread_total
    from kindred.events.selectors import network_events
    from kindred.networks.access import network_member_users
    from kindred.networks.models import NetworkLink

    networks, _, _ = demo
    parent = communities["network"]
    assert set(NetworkLink.objects.active().filter(parent=parent).values_list("member_id", flat=True)) == {
        networks[0].pk,
        networks[1].pk,
    }
    assert communities["announcement"].pinned
    for member in networks[:2]:
        someone = network_member_users(member).exclude(network_roles__network=parent).first()
        assert unread_total(user=someone) >= 1
        assert communities["event"] in network_events(member)


def test_the_demo_coordinator_coordinates_two_networks(demo):
    _, coordinator, _ = demo
    roles = NetworkRole.objects.active().filter(user=coordinator, role=NetworkRole.Role.COORDINATOR)
    assert roles.count() == 2


def test_demo_networks_have_history_and_a_rota_with_held_turns(demo):
    networks, _, _ = demo
    community = networks[0]
    left = Membership.objects.filter(network=community, left_at__isnull=False).get()
    assert left.replaced_by is not None and left.leave_reason
    held = [t for t in community.rota_turns.all() if t.is_held]
    assert held and community.rota_turns.count() > len(held)
    assert RotaTurn.objects.filter(network=community).values("school_year").distinct().count() == 2


def test_the_demo_teacher_belongs_to_no_network_yet_and_can_find_maths_colleagues(demo):
    networks, _, teacher = demo
    from kindred.networks.access import is_network_member

    assert not any(is_network_member(teacher, n) for n in networks)
    assert people_search(teacher, query="maths").exists()


def test_the_demo_has_an_informal_group_asking_to_become_formal(demo, system_leader):
    from kindred.networks.selectors import groups_for_leader

    group = Network.objects.get(informal=True, kind="subject")
    assert group.started_by.email == "maths1@demo.kindred.example"
    assert group.formal_requests.get().status == "pending"  # the ask, with its reason, waits
    exams = Network.objects.get(informal=True, kind="exams_officers")
    assert exams.started_by.email == "exams1@demo.kindred.example"
    assert set(groups_for_leader(system_leader)) == {group, exams}  # the region's leader finds them
