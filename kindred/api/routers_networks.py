"""/api/v1/networks… and /api/v1/events: what the person may see of networks and events."""

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, TEXT, EventPage, MembershipOut, NetworkOut, NetworkPage, Problem
from kindred.api.scope import in_token_region
from kindred.events.access import events_visible_q
from kindred.events.models import Event
from kindred.networks.access import network_for_user, networks_visible_q
from kindred.networks.models import Membership, Network

router = Router(tags=["networks and events"])


class NetworkFilters(Schema):
    region: str = Field("", pattern=TEXT, description="A region's code.")
    kind: str = Field("", pattern=TEXT, description="A kind: " + ", ".join(Network.Kind.values))


def network_row(network: Network) -> dict:
    return {
        "id": network.pk,
        "name": network.name,
        "kind": network.kind,
        "purpose": network.purpose,
        "region": network.region.code if network.region else None,
        "phase": network.phase,
        "subject": network.subject,
        "visibility": network.visibility,
        "status": network.status,
        "created_at": network.created_at,
    }


@router.get("/networks", response={200: NetworkPage, 400: Problem}, summary="Networks you may see")
def networks_list(
    request: HttpRequest,
    filters: Query[NetworkFilters],
    cursor_: str | None = Query(None, alias="cursor", description="The next_cursor of the page before."),
    limit: int = Query(100, ge=1, le=1000),
):
    user, token = caller(request)
    networks = in_token_region(
        Network.objects.filter(networks_visible_q(user)).select_related("region"), token
    )
    if filters.region:
        networks = networks.filter(region__code=filters.region)
    if filters.kind:
        networks = networks.filter(kind=filters.kind)
    found = cursor.page(networks, keys=("id",), cursor=cursor_, limit=limit)
    return {"items": [network_row(n) for n in found.items], "next_cursor": found.next_cursor}


def _network(request: HttpRequest, network_id: int) -> Network:
    user, token = caller(request)
    network = network_for_user(user, network_id)
    if token.region_id is not None and network.region_id != token.region_id:
        raise Http404("No such network.")
    return network


@router.get("/networks/{network_id}", response={200: NetworkOut, 404: Problem}, summary="One network")
def network_detail(request: HttpRequest, network_id: int):
    return network_row(_network(request, network_id))


@router.get(
    "/networks/{network_id}/memberships",
    response={200: list[MembershipOut], 404: Problem},
    summary="A network's member schools, past ones included",
)
def network_memberships(request: HttpRequest, network_id: int):
    memberships = (
        Membership.objects.filter(network=_network(request, network_id))
        .select_related("school")
        .order_by("joined_at", "pk")
    )
    return [
        {
            "registry_id": m.school.registry_id,
            "name": m.school.name,
            "role": m.role,
            "joined_at": m.joined_at,
            "left_at": m.left_at,
        }
        for m in memberships
    ]


class EventFilters(Schema):
    network: int | None = Field(None, ge=1, le=MAX_ID, description="Only this network's events.")
    kind: str = Field("", pattern=TEXT, description="A kind: " + ", ".join(Event.Kind.values))


def event_row(event: Event) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "title": event.title,
        "status": event.status,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "recurrence": event.rrule,
        "network": event.network_id,
        "school": event.school.registry_id if event.school else None,
        "region": event.region.code if event.region else None,
        "host_school": event.host_school.registry_id if event.host_school else None,
        "place": event.place,
        "online_url": event.online_url,
        "for_pupils": event.for_pupils,
        "capacity": event.capacity,
        "created_at": event.created_at,
    }


@router.get("/events", response={200: EventPage, 400: Problem}, summary="Events you may see")
def events_list(
    request: HttpRequest,
    filters: Query[EventFilters],
    cursor_: str | None = Query(None, alias="cursor", description="The next_cursor of the page before."),
    limit: int = Query(100, ge=1, le=1000),
):
    user, token = caller(request)
    events = in_token_region(
        Event.objects.filter(events_visible_q(user)).select_related("school", "region", "host_school"),
        token,
        fields=("region_id", "network__region_id", "school__region_id"),
    )
    if filters.network is not None:
        events = events.filter(network_id=filters.network)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    found = cursor.page(events, keys=("id",), cursor=cursor_, limit=limit)
    return {"items": [event_row(e) for e in found.items], "next_cursor": found.next_cursor}
