"""Writes of memberships, for a token with the write scope (docs/api.md, "Writing"): invite a school
to a network, see and decide the requests to join it, and take a school out of it.

Each endpoint does what the network page's form does, through the same access rule
(networks.access), form (networks.forms) and service (networks.services, which audits it).
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Path, Router, Status

from kindred.accounts.access import Access
from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, TEXT, Problem
from kindred.api.schemas_writes import (
    DecisionIn,
    InvitationIn,
    LeaveIn,
    MembershipEndedOut,
    MembershipRequestOut,
    Refusal,
)
from kindred.api.scope import within_token_organisation
from kindred.api.writes import cleaned, within_region, writer
from kindred.networks import forms, services
from kindred.networks.access import (
    membership_for_ending,
    network_with_access,
    request_for_deciding,
)
from kindred.networks.models import Membership, MembershipRequest, Network
from kindred.networks.selectors import pending_requests_seen_by

router = Router(tags=["writing: memberships"])

WRITE_ANSWERS = {400: Problem, 403: Problem, 404: Problem, 422: Refusal, 429: Problem}


def request_row(membership_request: MembershipRequest) -> dict:
    school, person = membership_request.school, membership_request.person
    return {
        "id": membership_request.pk,
        "network": membership_request.network_id,
        "kind": membership_request.kind,
        "status": membership_request.status,
        "school": school.registry_id if school else None,
        "school_name": school.name if school else None,
        "person": str(person) if person else None,
        "role": membership_request.role,
        "message": membership_request.display_message,
        "created_at": membership_request.created_at,
        "decided_at": membership_request.decided_at,
    }


def _network(
    request: HttpRequest, network_id: int, *, write: bool = False, reading: bool = False
) -> tuple[Network, Access]:
    """The network as its page finds it for the token's person (404, or 403 with write=True for
    anyone but its coordinators), and 404 outside a region token's region. A write needs a write
    token (403); `reading` (the list of requests) does not."""
    user, token = caller(request) if reading else writer(request)
    network, access = network_with_access(user, network_id, write=write)
    within_region(token, network.region_id, what="network")
    within_token_organisation(token, network.pk, what="network")
    return network, access


@router.post(
    "/networks/{network_id}/invitations",
    response={201: MembershipRequestOut, **WRITE_ANSWERS},
    summary=gettext_noop("Invite a school to a network (its coordinators)"),
    description=gettext_noop(
        "The network page's \"Invite a school\": the school's leaders then accept or decline it "
        "(`POST …/requests/{id}/decision`). Audited as `membership_request.invited`."
    ),
)
def network_invite(request: HttpRequest, body: InvitationIn, network_id: int = Path(..., ge=1, le=MAX_ID)):
    network, _access = _network(request, network_id, write=True)
    data = cleaned(forms.InviteSchoolForm(body.dict()))
    invitation = services.membership_request_create(
        network=network,
        school=data["school"],
        kind=MembershipRequest.Kind.INVITE,
        role=data["role"],
        message=data["message"],
        by=request.user,
    )
    return Status(201, request_row(invitation))


@router.get(
    "/networks/{network_id}/requests",
    response={200: list[MembershipRequestOut], 403: Problem, 404: Problem},
    summary=gettext_noop("Pending requests to join a network and invitations, that you may decide"),
    description=gettext_noop(
        "What the network page lists: every pending ask and invitation to its coordinators; to the "
        "leaders of a school, their school's; to a person, their own ask. Oldest first."
    ),
)
def network_requests(request: HttpRequest, network_id: int = Path(..., ge=1, le=MAX_ID)):
    network, access = _network(request, network_id, reading=True)
    pending = pending_requests_seen_by(network, request.user, is_coordinator=access == Access.WRITE)
    return [request_row(r) for r in pending.order_by("created_at", "pk")]


@router.post(
    "/networks/{network_id}/requests/{request_id}/decision",
    response={200: MembershipRequestOut, **WRITE_ANSWERS},
    summary=gettext_noop("Approve or decline a request to join, or an invitation"),
    description=gettext_noop(
        "A coordinator decides a school's or a person's ask; the invited school's leader or "
        "administrator decides an invitation (403 for anyone else who sees the network). Approving "
        "adds the membership (`membership.added`); both are audited (`membership_request.approved` "
        "/ `.declined`). A request already decided is 422."
    ),
)
def network_request_decide(
    request: HttpRequest,
    body: DecisionIn,
    network_id: int = Path(..., ge=1, le=MAX_ID),
    request_id: int = Path(..., ge=1, le=MAX_ID),
):
    network, _access = _network(request, network_id)
    membership_request = request_for_deciding(request.user, network, request_id)
    data = cleaned(forms.DecisionForm(body.dict()))
    decided = services.membership_request_decide(
        request=membership_request, approve=data["decision"] == "approve", by=request.user
    )
    return Status(200, request_row(decided))


@router.post(
    "/networks/{network_id}/memberships/{registry_id}/leave",
    response={200: MembershipEndedOut, **WRITE_ANSWERS},
    summary=gettext_noop("A school leaves a network"),
    description=gettext_noop(
        "The school's current membership ends, with the reason, and stays in the network's history: "
        "by a coordinator or by the school's own leader or administrator (403 for anyone else). 404 "
        "if the school is not a member now. Audited as `membership.ended`."
    ),
)
def network_membership_leave(
    request: HttpRequest,
    body: LeaveIn,
    network_id: int = Path(..., ge=1, le=MAX_ID),
    registry_id: str = Path(..., max_length=32, pattern=TEXT),
):
    network, _access = _network(request, network_id)
    membership = get_object_or_404(
        Membership.objects.active().select_related("school"), network=network, school__registry_id=registry_id
    )
    membership_for_ending(request.user, network, membership)
    data = cleaned(forms.LeaveForm(body.dict()))
    ended = services.membership_end(membership=membership, reason=data["reason"], by=request.user)
    return Status(
        200,
        {
            "network": network.pk,
            "registry_id": ended.school.registry_id,
            "name": ended.school.name,
            "role": ended.role,
            "joined_at": ended.joined_at,
            "left_at": ended.left_at,
            "leave_reason": ended.leave_reason,
        },
    )
