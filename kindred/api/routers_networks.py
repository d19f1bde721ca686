"""/api/v1/networks… and /api/v1/events…: what the person may see of networks (their members, on a
map too, and who holds which role), events and their registrations."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import (
    MAX_ID,
    TEXT,
    ChangedSince,
    EventPage,
    MemberFeatureCollection,
    MembershipOut,
    NetworkOut,
    NetworkPage,
    NetworkRolePage,
    Paging,
    Problem,
    RegistrationPage,
)
from kindred.api.scope import in_token_organisation, in_token_region, within_token_organisation
from kindred.core.geojson import MEDIA_TYPE as GEOJSON
from kindred.core.geojson import feature_collection, point
from kindred.events.access import event_for_user, events_visible_q, sees_every_registration
from kindred.events.models import Event, Registration
from kindred.events.selectors import registrations_seen_by
from kindred.networks.access import network_for_user, networks_visible_q
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.networks.selectors import network_roles

router = Router(tags=["networks and events"])


class NetworkFilters(Schema):
    region: str = Field("", pattern=TEXT, description=gettext_noop("A region's code."))
    kind: str = Field(
        "", pattern=TEXT, description=gettext_noop("A kind:") + " " + ", ".join(Network.Kind.values)
    )


def network_row(network: Network) -> dict:
    """As the network's page shows it, in the request's language: a name (and the purpose) Kindred
    made for a network it formed or brokered, worded in that language (Network.display_name)."""
    return {
        "id": network.pk,
        "name": network.display_name,
        "kind": network.kind,
        "purpose": network.display_purpose,
        "region": network.region.code if network.region else None,
        "phase": network.phase,
        "subject": network.subject,
        "visibility": network.visibility,
        "status": network.status,
        "created_at": network.created_at,
    }


@router.get(
    "/networks", response={200: NetworkPage, 400: Problem}, summary=gettext_noop("Networks you may see")
)
def networks_list(request: HttpRequest, filters: Query[NetworkFilters], paging: Query[Paging]):
    user, token = caller(request)
    networks = in_token_organisation(
        in_token_region(Network.objects.filter(networks_visible_q(user)).select_related("region"), token),
        token,
        field="pk",
    )
    if filters.region:
        networks = networks.filter(region__code=filters.region)
    if filters.kind:
        networks = networks.filter(kind=filters.kind)
    return cursor.page_of(networks, paging, each=network_row)


def _network(request: HttpRequest, network_id: int) -> Network:
    user, token = caller(request)
    network = network_for_user(user, network_id)
    if token.region_id is not None and network.region_id != token.region_id:
        raise Http404("No such network.")
    within_token_organisation(token, network.pk, what="network")
    return network


@router.get(
    "/networks/{network_id}", response={200: NetworkOut, 404: Problem}, summary=gettext_noop("One network")
)
def network_detail(request: HttpRequest, network_id: int):
    return network_row(_network(request, network_id))


@router.get(
    "/networks/{network_id}/memberships",
    response={200: list[MembershipOut], 404: Problem},
    summary=gettext_noop("A network's member schools, past ones included"),
    description=gettext_noop(
        "Every membership, past ones included: one that ended since `changed_since` is listed with "
        "its `left_at`, so an incremental sync learns that the school left (docs/api.md)."
    ),
)
def network_memberships(request: HttpRequest, network_id: int, since: Query[ChangedSince]):
    memberships = cursor.changed_since(
        Membership.objects.filter(network=_network(request, network_id)), since.changed_since
    )
    memberships = memberships.select_related("school").order_by("joined_at", "pk")
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


@router.get(
    "/networks/{network_id}/members.geojson",
    response={200: MemberFeatureCollection, 404: Problem},
    summary=gettext_noop("A network's current member schools on a map (GeoJSON)"),
    description=gettext_noop(
        "The points of the network page's map: each current member school with coordinates, as "
        "`kindred form-networks --export` writes a formed network's schools (core/geojson.point)."
    ),
)
def network_members_geojson(
    request: HttpRequest, response: HttpResponse, network_id: int = Path(..., ge=1, le=MAX_ID)
):
    response["Content-Type"] = GEOJSON
    network = _network(request, network_id)
    memberships = (
        Membership.objects.active()
        .filter(network=network, school__latitude__isnull=False, school__longitude__isnull=False)
        .order_by("school__name", "pk")
        .values_list("school__registry_id", "school__name", "role", "school__latitude", "school__longitude")
    )
    return feature_collection(
        [
            point(lon, lat, {"registry_id": registry_id, "name": name, "role": role, "network": network.pk})
            for registry_id, name, role, lat, lon in memberships
        ]
    )


def role_row(role: NetworkRole) -> dict:
    """What the network page's "People and roles" shows of a role: the person by name, the role, and
    a contact teacher's school."""
    school = role.school
    return {
        "id": role.pk,
        "role": role.role,
        "person": str(role.user),
        "school": school.registry_id if school else None,
        "school_name": school.name if school else None,
        "started_at": role.started_at,
        "ended_at": role.ended_at,
    }


@router.get(
    "/networks/{network_id}/roles",
    response={200: NetworkRolePage, 400: Problem, 404: Problem},
    summary=gettext_noop("Who holds which role in a network now"),
    description=gettext_noop(
        "The network's current roles (coordinators, contact teachers, members), as its page lists "
        "them to whoever sees the network (networks.selectors.network_roles), in the order they "
        "were given (by id); ended roles are history and not listed, but with `changed_since` a "
        "role that ended since then is, with its `ended_at`, so an incremental sync learns of it. "
        "404 where the network page is."
    ),
)
def network_roles_list(
    request: HttpRequest,
    paging: Query[Paging],
    network_id: int = Path(..., ge=1, le=MAX_ID),
):
    roles = network_roles(_network(request, network_id), ended=paging.changed_since is not None)
    return cursor.page_of(roles, paging, each=role_row)


class EventFilters(Schema):
    network: int | None = Field(
        None, ge=1, le=MAX_ID, description=gettext_noop("Only this network's events.")
    )
    kind: str = Field(
        "", pattern=TEXT, description=gettext_noop("A kind:") + " " + ", ".join(Event.Kind.values)
    )


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


@router.get("/events", response={200: EventPage, 400: Problem}, summary=gettext_noop("Events you may see"))
def events_list(request: HttpRequest, filters: Query[EventFilters], paging: Query[Paging]):
    user, token = caller(request)
    events = in_token_organisation(
        in_token_region(
            Event.objects.filter(events_visible_q(user)).select_related("school", "region", "host_school"),
            token,
            fields=("region_id", "network__region_id", "school__region_id"),
        ),
        token,
    )
    if filters.network is not None:
        events = events.filter(network_id=filters.network)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    return cursor.page_of(events, paging, each=event_row)


def registration_row(registration: Registration, *, organiser: bool) -> dict:
    """What the event page shows of a registration: the school's group or the person (by name, as
    in "Who is coming"); attendance to the organisers only."""
    school = registration.school
    return {
        "id": registration.pk,
        "occurrence_start": registration.occurrence_start,
        "status": registration.status,
        "places": registration.places,
        "pupils": registration.pupils,
        "school": school.registry_id if school else None,
        "school_name": school.name if school else None,
        "person": None if school else str(registration.user),
        "attended": registration.attended if organiser else None,
        "created_at": registration.created_at,
    }


@router.get(
    "/events/{event_id}/registrations",
    response={200: RegistrationPage, 400: Problem, 404: Problem},
    summary=gettext_noop("An event's registrations: every one for its organisers, your own for anyone else"),
    description=gettext_noop(
        "The active registrations of every date of the event, in the order they were made (by id); "
        "with `changed_since`, those cancelled since then as well (status `cancelled`), so an "
        "incremental sync learns of them. 404 where the event page is "
        "(events.access.event_for_user), and outside a region token's region."
    ),
)
def event_registrations(
    request: HttpRequest,
    paging: Query[Paging],
    event_id: int = Path(..., ge=1, le=MAX_ID),
):
    user, token = caller(request)
    event = event_for_user(user, event_id)
    if token.region_id is not None and token.region_id not in {
        event.region_id,
        event.network.region_id if event.network else None,
        event.school.region_id if event.school else None,
    }:
        raise Http404("No such event.")
    within_token_organisation(token, event.network_id, what="event")
    organiser = sees_every_registration(user, event)
    registrations = registrations_seen_by(
        user, event, organiser=organiser, cancelled=paging.changed_since is not None
    )
    return cursor.page_of(registrations, paging, each=lambda r: registration_row(r, organiser=organiser))
