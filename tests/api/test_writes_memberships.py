"""Memberships written through the API: inviting a school, deciding a request to join, a school
leaving. Each goes through the network page's access rule, form and service, so each persona may
do exactly what the page lets them (others 403, or 404 where the network is hidden from them), a
refused write changes nothing, and every write is in the audit log under the token's person."""

import json

import pytest

from kindred.accounts.models import SchoolStaff, User
from kindred.audit.models import AuditEvent
from kindred.networks.models import Membership, MembershipRequest
from kindred.networks.services import membership_request_create
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def writer(user, **options):
    return bearer(user, scope="write", **options)


@pytest.fixture
def leader_y(school_y):
    """School Y's leader: decides the invitations of school Y."""
    user = User.objects.create_user(email="head.y@example.org", password="not used", full_name="Head Y")
    SchoolStaff.objects.create(user=user, school=school_y, role=SchoolStaff.Role.LEADER)
    return user


def _invite(client, network, registry_id="200002", **extra):
    return post(client, f"/api/v1/networks/{network.pk}/invitations", {"school": registry_id, **extra})


def test_a_coordinator_invites_a_school_and_the_invitation_is_audited_as_theirs(
    network_x, school_leader_x, school_y
):
    response = _invite(writer(school_leader_x), network_x, message="Join our reading work")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["status"], body["school"], body["role"]) == (
        "invite",
        "pending",
        "200002",
        "member",
    )
    invitation = MembershipRequest.objects.get(pk=body["id"])
    assert invitation.school == school_y and invitation.requested_by == school_leader_x
    event = AuditEvent.objects.get(action="membership_request.invited")
    assert event.actor == school_leader_x and event.object_id == str(invitation.pk)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_leader_x", 201),  # its coordinator
        ("site_admin", 201),
        ("school_admin_x", 403),  # a member school's staff: they see the network, do not run it
        ("teacher_x", 403),
        ("system_leader", 403),  # region A's leader sees region A's private network
        ("teacher_y", 404),  # outsiders: the private network is not there for them
        ("leader_b", 404),
        ("no_school_user", 404),
    ],
)
def test_only_a_private_networks_coordinators_invite_and_outsiders_do_not_see_it(
    persona, status, private_network_x, school_y, request
):
    response = _invite(writer(request.getfixturevalue(persona)), private_network_x)
    assert response.status_code == status, response.content
    assert MembershipRequest.objects.filter(school=school_y).exists() == (status == 201)


def test_a_read_only_token_writes_nothing(network_x, school_leader_x, school_y):
    response = _invite(bearer(school_leader_x, scope="read"), network_x)
    assert response.status_code == 403
    assert "read-and-write" in response.json()["detail"]
    assert not MembershipRequest.objects.exists()


def test_bad_input_is_422_with_the_forms_errors_and_nothing_written(network_x, school_leader_x, school_x):
    client = writer(school_leader_x)
    unknown = _invite(client, network_x, registry_id="999999")
    assert unknown.status_code == 422
    assert "999999" in unknown.json()["errors"]["school"][0]
    assert _invite(client, network_x, role="emperor").status_code == 422
    assert _invite(client, network_x, registry_id="100001").status_code == 422  # already a member
    missing = post(client, f"/api/v1/networks/{network_x.pk}/invitations", {"role": "member"})
    assert missing.status_code == 422
    garbled = client.post(
        f"/api/v1/networks/{network_x.pk}/invitations", data="{school:", content_type="application/json"
    )
    assert garbled.status_code == 400
    assert not MembershipRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="membership_request.invited").exists()


def test_a_region_token_cannot_write_outside_its_region(network_x, site_admin, school_y):
    response = _invite(writer(site_admin, region=school_y.region), network_x)
    assert response.status_code == 404
    assert not MembershipRequest.objects.exists()


def test_writes_count_against_the_tokens_rate_limit(network_x, school_leader_x, school_y, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    client = writer(school_leader_x)
    assert _invite(client, network_x).status_code == 201
    refused = _invite(client, network_x, registry_id="100001")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert MembershipRequest.objects.count() == 1


def _decide(client, network, membership_request, decision: str):
    return post(
        client,
        f"/api/v1/networks/{network.pk}/requests/{membership_request.pk}/decision",
        {"decision": decision},
    )


def test_the_invited_schools_leader_accepts_and_the_school_joins(
    network_x, school_leader_x, leader_y, school_y
):
    invitation = MembershipRequest.objects.get(pk=_invite(writer(school_leader_x), network_x).json()["id"])
    client = writer(leader_y)
    assert [r["id"] for r in client.get(f"/api/v1/networks/{network_x.pk}/requests").json()] == [
        invitation.pk
    ]
    response = _decide(client, network_x, invitation, "approve")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Membership.objects.active().filter(network=network_x, school=school_y).exists()
    assert AuditEvent.objects.get(action="membership_request.approved").actor == leader_y
    again = _decide(client, network_x, invitation, "decline")
    assert again.status_code == 422 and "already been decided" in again.json()["detail"]


@pytest.mark.parametrize("persona", ["school_leader_x", "teacher_y", "site_admin", "teacher_x"])
def test_nobody_but_the_invited_schools_leaders_decides_an_invitation(
    persona, network_x, school_leader_x, school_y, request
):
    invitation = membership_request_create(
        network=network_x, school=school_y, kind=MembershipRequest.Kind.INVITE, by=school_leader_x
    )
    user = request.getfixturevalue(persona)
    # A site administrator may act for any school (networks.access.may_act_for_school), as on the page.
    expected = 200 if persona == "site_admin" else 403
    assert _decide(writer(user), network_x, invitation, "approve").status_code == expected
    invitation.refresh_from_db()
    assert (invitation.status == "approved") == (expected == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("school_leader_x", 200), ("site_admin", 200), ("teacher_x", 403), ("teacher_y", 404)],
)
def test_a_coordinator_decides_a_schools_ask_to_join(
    persona, status, private_network_x, leader_y, school_y, request
):
    ask = membership_request_create(
        network=private_network_x, school=school_y, kind=MembershipRequest.Kind.ASK, by=leader_y
    )
    response = _decide(writer(request.getfixturevalue(persona)), private_network_x, ask, "decline")
    assert response.status_code == status
    ask.refresh_from_db()
    assert ask.status == ("declined" if status == 200 else "pending")


def test_a_decision_other_than_approve_or_decline_is_422(network_x, school_leader_x, leader_y, school_y):
    ask = membership_request_create(
        network=network_x, school=school_y, kind=MembershipRequest.Kind.ASK, by=leader_y
    )
    assert _decide(writer(school_leader_x), network_x, ask, "maybe").status_code == 422
    ask.refresh_from_db()
    assert ask.status == "pending"


def test_the_requests_list_shows_each_person_what_the_network_page_shows_them(
    network_x, school_leader_x, leader_y, teacher_x, school_y
):
    membership_request_create(
        network=network_x, school=school_y, kind=MembershipRequest.Kind.ASK, by=leader_y
    )
    url = f"/api/v1/networks/{network_x.pk}/requests"
    assert [r["school"] for r in writer(school_leader_x).get(url).json()] == ["200002"]
    assert [r["school"] for r in writer(leader_y).get(url).json()] == ["200002"]
    assert writer(teacher_x).get(url).json() == []
    assert [r["school"] for r in bearer(school_leader_x, scope="read").get(url).json()] == ["200002"]


def _leave(client, network, registry_id="100001", reason="Merged with another school"):
    return post(client, f"/api/v1/networks/{network.pk}/memberships/{registry_id}/leave", {"reason": reason})


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_admin_x", 200),  # the school's own administrator
        ("school_leader_x", 200),  # the coordinator (and the school's leader)
        ("site_admin", 200),
        ("teacher_x", 403),
        ("system_leader", 403),
        ("teacher_y", 404),
        ("no_school_user", 404),
    ],
)
def test_a_school_leaves_by_its_own_leaders_or_the_coordinators_only(
    persona, status, private_network_x, school_x, request
):
    response = _leave(writer(request.getfixturevalue(persona)), private_network_x)
    assert response.status_code == status, response.content
    membership = Membership.objects.get(network=private_network_x, school=school_x)
    assert (membership.left_at is not None) == (status == 200)
    if status == 200:
        assert response.json()["leave_reason"] == "Merged with another school"
        assert AuditEvent.objects.filter(action="membership.ended", object_id=str(membership.pk)).exists()


def test_leaving_without_a_reason_or_twice_is_refused(network_x, school_leader_x, school_x):
    client = writer(school_leader_x)
    assert _leave(client, network_x, reason="  ").status_code == 422
    assert Membership.objects.active().filter(network=network_x, school=school_x).exists()
    assert _leave(client, network_x).status_code == 200
    assert _leave(client, network_x).status_code == 404  # no longer a member
    assert _leave(client, network_x, registry_id="nope").status_code == 404
