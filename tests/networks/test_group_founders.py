"""Hostile requests by an informal group's founder (issue 23, item 3): starting a group and
coordinating it gives a member of staff no sight of what its member schools keep private — their
self-evaluations and its files, their evidence (the group's evidence pack), their support
categories, the boards of their other networks, the audit log — and no say over the group that
the leaders over its members have. The permission matrix (tests/accounts/test_permission_matrix.py)
asks every other page as the same founder, with the same member school."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.accounts.access import category_scope_for_user
from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.board.services import thread_create
from kindred.frameworks.access import selfeval_visible
from kindred.frameworks.services import ratings_save, sharing_set
from kindred.networks.access import may_moderate_group
from kindred.networks.models import Network, NetworkRole
from kindred.networks.services import group_start, membership_add, network_create, network_role_add
from kindred.schools.models import School
from tests.frameworks.conftest import framework_example_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def founded(teacher_x, teacher_y, school_y):
    """Teacher X's group, with school Y a member school and teacher Y in it; school Y's
    self-evaluation has a file of evidence; school Y also belongs to a private network of its own."""
    group = group_start(name="Founder's readers", kind="subject", by=teacher_x)
    membership_add(network=group, school=school_y, by=teacher_x)
    network_role_add(network=group, user=teacher_y, role=NetworkRole.Role.MEMBER, by=teacher_x)
    version = framework_example_load()
    standard = version.domains.first().standards.first()
    head_y = User.objects.create_user(email="head.y@example.org", password=None)
    SchoolStaff.objects.create(user=head_y, school=school_y, role=SchoolStaff.Role.LEADER)
    evaluation = ratings_save(
        school=school_y,
        version=version,
        year=2025,
        kind="self",
        levels={standard.pk: (2, "Reading is weak in year 4")},
        by=head_y,
        files={standard.pk: [SimpleUploadedFile("minutes.txt", b"Governors' minutes")]},
    )
    private_y = network_create(
        name="Y's private cluster",
        kind="cluster",
        region=school_y.region,
        by=head_y,
        visibility=Network.Visibility.PRIVATE,
    )
    membership_add(network=private_y, school=school_y, by=head_y)
    thread = thread_create(network=private_y, title="Our budget", body="Confidential", by=head_y)
    return {
        "group": group,
        "file": evaluation.files.get(),
        "private_y": private_y,
        "thread": thread,
        "head_y": head_y,
    }


def test_a_founder_does_not_read_a_member_schools_self_evaluation(client, teacher_x, school_y, founded):
    client.force_login(teacher_x)
    assert client.get(f"/self-evaluation/schools/{school_y.registry_id}/").status_code == 404
    assert client.get(f"/self-evaluation/files/{founded['file'].pk}/").status_code == 404
    assert selfeval_visible(teacher_x, [school_y], network=founded["group"]) == set()
    heatmap = client.get(f"/self-evaluation/networks/{founded['group'].pk}/")
    assert heatmap.status_code == 200 and "Reading is weak in year 4" not in heatmap.text


def test_a_founder_sees_a_shared_self_evaluation_as_every_member_does(
    teacher_x, teacher_y, school_y, founded
):
    sharing_set(school=school_y, with_networks=True, by=founded["head_y"])
    group = founded["group"]
    # Shared with the school's networks: every member sees it alike, the founder no more than others.
    assert selfeval_visible(teacher_x, [school_y], network=group) == {school_y.pk}
    assert selfeval_visible(teacher_y, [school_y], network=group) == {school_y.pk}


def test_a_founder_does_not_open_the_groups_evidence_pack(client, teacher_x, system_leader, founded):
    group = founded["group"]
    client.force_login(teacher_x)
    for tail in ("pack/", "pack.csv", "pack.pdf"):
        assert client.get(f"/impact/networks/{group.pk}/{tail}").status_code == 403, tail
    assert "/pack/" not in client.get(f"/impact/networks/{group.pk}/").text
    # The leaders over its members do (region A's leader is over teacher X).
    client.force_login(system_leader)
    assert client.get(f"/impact/networks/{group.pk}/pack/").status_code == 200


def test_a_founder_sees_no_member_schools_category_or_other_boards(client, teacher_x, school_y, founded):
    scope = category_scope_for_user(teacher_x)
    assert not School.objects.filter(scope, pk=school_y.pk).exists()
    client.force_login(teacher_x)
    assert client.get(f"/networks/{founded['private_y'].pk}/").status_code == 404
    assert client.get(f"/board/networks/{founded['private_y'].pk}/").status_code == 404
    assert client.get(f"/board/threads/{founded['thread'].pk}/").status_code == 404
    assert client.get("/audit/").status_code == 404


def test_a_founder_is_no_leader_over_their_own_group(client, teacher_x, founded):
    group = founded["group"]
    assert not may_moderate_group(teacher_x, group)
    client.force_login(teacher_x)
    assert client.get("/networks/groups/").status_code == 403
    client.post(f"/networks/{group.pk}/group/formal/", {"message": "Please"})
    assert client.post(f"/networks/{group.pk}/group/decide/", {"decision": "approve"}).status_code == 403
    group.refresh_from_db()
    assert group.informal


def test_the_leader_over_a_member_school_in_another_region_is_over_the_group(client, region_b, founded):
    leader_b = User.objects.create_user(email="leader.b@example.org", password=None)
    RegionalRole.objects.create(user=leader_b, region=region_b)
    assert may_moderate_group(leader_b, founded["group"])
    client.force_login(leader_b)
    assert client.get(f"/impact/networks/{founded['group'].pk}/pack/").status_code == 200
