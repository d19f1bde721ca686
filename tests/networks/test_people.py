"""Colleagues: profiles seen by each person's own setting; search by subject finds people and networks."""

import pytest
from django.core.exceptions import ValidationError

from kindred.networks.models import Connection, NetworkRole
from kindred.networks.selectors import people_search, people_visible_to
from kindred.networks.services import connection_decide, connection_request, profile_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("visibility", "seen_by_network_colleague", "seen_by_same_region", "seen_by_stranger"),
    [
        ("networks", True, False, False),
        ("region", True, True, False),
        ("everyone", True, True, True),
    ],
)
def test_each_person_decides_who_sees_their_profile(
    network_x,
    teacher_x,
    school_admin_x,
    teacher_y,
    region_a,
    visibility,
    seen_by_network_colleague,
    seen_by_same_region,
    seen_by_stranger,
):
    from kindred.accounts.models import SchoolStaff, User
    from kindred.schools.models import School

    # Someone at another school of region A, in none of teacher X's networks.
    neighbour_school = School.objects.create(registry_id="100777", name="Neighbour", region=region_a)
    neighbour = User.objects.create_user(email="neighbour@example.org", password=None)
    SchoolStaff.objects.create(user=neighbour, school=neighbour_school, role="teacher")
    profile_update(user=teacher_x, subjects="maths, physics", visibility=visibility)

    assert (teacher_x in people_visible_to(school_admin_x)) is seen_by_network_colleague
    assert (teacher_x in people_visible_to(neighbour)) is seen_by_same_region
    assert (teacher_x in people_visible_to(teacher_y)) is seen_by_stranger


def test_a_person_in_a_network_by_role_alone_sees_colleagues_profiles(network_x, teacher_x, teacher_y):
    profile_update(user=teacher_x, subjects="maths", visibility="networks")
    assert teacher_x not in people_visible_to(teacher_y)
    from kindred.networks.services import network_role_add

    network_role_add(network=network_x, user=teacher_y, role=NetworkRole.Role.MEMBER, by=None)
    assert teacher_x in people_visible_to(teacher_y)


def test_searching_maths_finds_people_and_networks_not_school_names(
    client, network_x, teacher_x, teacher_y, region_a
):
    from kindred.networks.services import network_create

    network_create(name="Number sense group", kind="subject", region=region_a, by=None, subject="Maths")
    profile_update(
        user=teacher_x, job_title="Head of department", subjects="Maths, statistics", visibility="everyone"
    )
    client.force_login(teacher_y)
    page = client.get("/people/", {"q": "maths"}).content.decode()
    assert "teacher.x" in page  # the person
    assert "Number sense group" in page  # the network


def test_search_in_my_networks_leaves_out_people_elsewhere(network_x, teacher_x, school_admin_x, teacher_y):
    profile_update(user=teacher_x, subjects="maths", visibility="everyone")
    profile_update(user=teacher_y, subjects="maths", visibility="everyone")
    found = set(people_search(school_admin_x, query="maths", scope="networks"))
    assert found == {teacher_x}
    assert set(people_search(school_admin_x, query="maths")) == {teacher_x, teacher_y}


def test_search_in_my_family_finds_staff_of_similar_schools(teacher_x, teacher_y, school_x, school_y):
    from kindred.evidence.models import EvidenceRun, FamilyMember

    profile_update(user=teacher_y, subjects="maths", visibility="everyone")
    assert not people_search(teacher_x, query="maths", scope="family").exists()
    run = EvidenceRun.objects.create(kind=EvidenceRun.Kind.FAMILIES, status=EvidenceRun.Status.CURRENT)
    FamilyMember.objects.create(run=run, school=school_x, member=school_y, rank=1, distance=0.2)
    assert list(people_search(teacher_x, query="maths", scope="family")) == [teacher_y]


def test_a_hidden_profile_is_a_404(client, teacher_x, teacher_y):
    profile_update(user=teacher_x, subjects="maths", visibility="networks")
    client.force_login(teacher_y)
    assert client.get(f"/people/{teacher_x.pk}/").status_code == 404


def test_ask_to_connect_and_accept(client, teacher_x, teacher_y):
    profile_update(user=teacher_x, subjects="maths", visibility="everyone")
    client.force_login(teacher_y)
    assert client.post(f"/people/{teacher_x.pk}/connect/", {"message": "Shall we share?"}).status_code == 302
    connection = Connection.objects.get()
    client.force_login(teacher_x)
    assert "Shall we share?" in client.get("/people/connections/").content.decode()
    client.post(f"/people/connections/{connection.pk}/", {"decision": "approve"})
    connection.refresh_from_db()
    assert connection.status == Connection.Status.ACCEPTED
    assert "teacher.y@example.org" in client.get("/people/connections/").content.decode()


def test_only_the_person_asked_answers_and_only_once(teacher_x, teacher_y):
    connection = connection_request(from_user=teacher_y, to_user=teacher_x)
    with pytest.raises(ValidationError):
        connection_decide(connection=connection, accept=True, by=teacher_y)
    connection_decide(connection=connection, accept=False, by=teacher_x)
    with pytest.raises(ValidationError):
        connection_request(from_user=teacher_y, to_user=teacher_x)


def test_a_coordinator_invites_a_colleague_into_their_network(client, network_x, school_leader_x, teacher_y):
    profile_update(user=teacher_y, subjects="reading", visibility="everyone")
    client.force_login(school_leader_x)
    page = client.get(f"/people/{teacher_y.pk}/").content.decode()
    assert "Invite into a network you coordinate" in page
    client.post(f"/people/{teacher_y.pk}/invite/", {"network": network_x.pk})
    assert network_x.people_roles.active().filter(user=teacher_y, role=NetworkRole.Role.MEMBER).exists()


def test_a_bad_visibility_is_refused_and_nothing_changes(teacher_x):
    with pytest.raises(ValidationError):
        profile_update(user=teacher_x, visibility="world")
    from kindred.networks.models import Profile

    assert not Profile.objects.filter(user=teacher_x).exists()
