"""Writes of events, for a token with the write scope (docs/api.md, "Writing"): make an event,
register for a date of one, cancel a registration (its place goes to the first on the waiting
list, as on the event page).

Each endpoint asks the event pages' access rule (events.access) and calls the events' services
(events.services), which check the event and the registration and write the audit log.
"""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Path, Router, Status

from kindred.api.routers_networks import event_row, registration_row
from kindred.api.routers_networks import router as reads_router
from kindred.api.schemas import MAX_ID, EventOut, Problem, RegistrationOut
from kindred.api.schemas_writes import EventIn, Refusal, RegistrationCancelledOut, RegistrationIn
from kindred.api.scope import within_token_organisation
from kindred.api.writes import Refused, within_region, writer
from kindred.engine import recurrence
from kindred.events import access, services
from kindred.events.models import Event
from kindred.events.selectors import event_hosts
from kindred.networks.access import network_for_user, schools_user_acts_for
from kindred.schools.models import Region, School

router = Router(tags=["writing: events"])
TAGS = ["writing: events"]

WRITE_ANSWERS = {400: Problem, 403: Problem, 404: Problem, 422: Refusal, 429: Problem}


def _event_regions(event: Event) -> tuple[int | None, ...]:
    return (
        event.region_id,
        event.network.region_id if event.network else None,
        event.school.region_id if event.school else None,
    )


def _owner(request: HttpRequest, body: EventIn) -> dict:
    """The new event's owner, as the new-event pages find it: a network its coordinators may
    change (404/403), a school its leaders act for (404/403), a region its leaders lead (404/403)."""
    user, token = writer(request)
    given = [name for name in ("network", "school", "region") if getattr(body, name) is not None]
    if len(given) != 1:
        raise Refused({"__all__": ["Give exactly one owner: network, school or region."]})
    if body.network is not None:
        network = network_for_user(user, body.network, write=True)
        within_region(token, network.region_id, what="network")
        within_token_organisation(token, network.pk, what="network")
        return {"network": network}
    within_token_organisation(token, None, what="owner")  # an organisation's token: its networks' events only
    if body.school is not None:
        school = access.school_for_creating(user, body.school)
        within_region(token, school.region_id, what="school")
        return {"school": school}
    region = access.region_for_creating(user, get_object_or_404(Region, code=body.region).pk)
    within_region(token, region.pk, what="region")
    return {"region": region}


def _aware(when: datetime, zone_name: str) -> datetime:
    if when.tzinfo is not None:
        return when
    try:
        return when.replace(tzinfo=recurrence.zone(zone_name))
    except recurrence.RecurrenceError as error:
        raise Refused({"time_zone": [str(error)]}) from error


# POST beside the list's GET on the same path: on the router that holds the GET, since a path's
# methods must be in one router (django-ninja serves a path from the first router that has it).
@reads_router.post(
    "/events",
    response={201: EventOut, **WRITE_ANSWERS},
    summary=gettext_noop("Make an event"),
    tags=TAGS,
    description=gettext_noop(
        "What the new-event pages make, for the same people: a network's event by its coordinators, "
        "a school's by its leaders and administrators, a region's by its system leaders. A "
        "network's event without a host school is hosted by the school whose turn it is on the "
        "rota; a school's, by the school. Audited as `event.created`."
    ),
)
def event_create(request: HttpRequest, body: EventIn):
    owner = _owner(request, body)
    zone_name = body.time_zone or settings.TIME_ZONE
    fields = body.dict(exclude={"network", "school", "region", "host_school"})
    fields["time_zone"] = zone_name
    fields["starts_at"], fields["ends_at"] = (
        _aware(body.starts_at, zone_name),
        _aware(body.ends_at, zone_name),
    )
    hosts = event_hosts(**owner)
    if body.host_school:
        host = hosts.filter(registry_id=body.host_school).first()
        if host is None:
            raise Refused({"host_school": ["Choose one of the owner's schools to host the event."]})
        fields["host_school"] = host
    elif "school" in owner:
        fields["host_school"] = owner["school"]  # a school hosts its own events unless it says otherwise
    event = services.event_create(by=request.user, **owner, **fields)
    return Status(201, event_row(event))


@reads_router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, **WRITE_ANSWERS},
    summary=gettext_noop("Register for a date of an event (yourself, or a group of your school's pupils)"),
    tags=TAGS,
    description=gettext_noop(
        "As the event page's \"Register\": anyone who sees the event registers themself; a school's "
        "leader or administrator registers a group of its pupils for an event for pupils. `status` "
        "says whether there was a place (`confirmed`) or the registration waits (`waiting`) for "
        "one. 404 where the event page is. Audited as `event.registered`."
    ),
)
def event_register(request: HttpRequest, body: RegistrationIn, event_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = writer(request)
    event = access.event_for_user(user, event_id)
    within_region(token, *_event_regions(event), what="event")
    within_token_organisation(token, event.network_id, what="event")
    if body.occurrence_start.tzinfo is None:
        raise Refused({"occurrence_start": ["Give the time with its offset (Z for UTC)."]})
    school: School | None = None
    if body.school:
        school = schools_user_acts_for(user).filter(registry_id=body.school).first()
        if school is None:
            raise Refused({"school": ["Choose a school you are a leader or administrator of."]})
    registration = services.registration_create(
        event=event, occurrence_start=body.occurrence_start, by=user, school=school, pupils=body.pupils
    )
    return Status(201, registration_row(registration, organiser=access.sees_every_registration(user, event)))


@router.post(
    "/registrations/{registration_id}/cancel",
    response={200: RegistrationCancelledOut, **WRITE_ANSWERS},
    summary=gettext_noop("Cancel a registration; its place goes to the first on the waiting list"),
    description=gettext_noop(
        "By the person registered, their school's leaders, or the event's organisers (403 for "
        "anyone else who sees the event, 404 for the rest). Whoever now fits on the waiting list "
        "gets a place and an e-mail, as on the page; `promoted` lists them. Audited as "
        "`event.registration_cancelled`."
    ),
)
def registration_cancel(request: HttpRequest, registration_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = writer(request)
    registration = access.registration_for_user(user, registration_id)
    within_region(token, *_event_regions(registration.event), what="registration")
    within_token_organisation(token, registration.event.network_id, what="registration")
    promoted = services.registration_cancel(registration=registration, by=user)
    registration.refresh_from_db(fields=["status"])
    return Status(
        200, {"id": registration.pk, "status": registration.status, "promoted": [r.pk for r in promoted]}
    )
