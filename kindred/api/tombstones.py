"""Tombstones for incremental syncs: every deletion of a row the API lists leaves an
`api.models.Deletion` (docs/api.md, "How a sync learns of removals").

Kindred's services end things rather than delete them (an ended membership is a changed row); rows
are deleted outright only in the admin (a school, an event, a resource, ...) and by the cascades
such a deletion sets off (a school's measure values and memberships, an event's registrations).
A post_delete receiver per synced model sees every one of them, whoever deleted, so no delete path
can forget its tombstone. Each receiver reads what a sync keys its copy by, with the region and
network the row was in; a cascade's rows are deleted before their parent, so the parent is still
there to be read (a query a row: deletions are rare and by hand). Connected in `ApiConfig.ready`.
"""

from typing import Any

from django.db.models.signals import post_delete

from kindred.api.models import Deletion
from kindred.events.models import Event, Registration
from kindred.library.models import Resource
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.plans.models import DevelopmentPlan
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure
from kindred.voice.models import Consultation


def _network_region(network_id: int | None) -> int | None:
    if network_id is None:
        return None
    return Network.objects.filter(pk=network_id).values_list("region_id", flat=True).first()


def _school(school_id: int | None) -> tuple[str, int | None]:
    found = School.objects.filter(pk=school_id).values_list("registry_id", "region_id").first()
    return found if found else ("", None)


def _event_place(event: Event) -> tuple[int | None, int | None]:
    """An event's network and region: its own region, else its network's, else its school's."""
    region = event.region_id or _network_region(event.network_id)
    if region is None and event.school_id is not None:
        region = _school(event.school_id)[1]
    return event.network_id, region


def _fields(instance: Any) -> tuple[str, dict]:
    if isinstance(instance, School):
        return Deletion.Kind.SCHOOL, {"registry_id": instance.registry_id, "region_id": instance.region_id}
    if isinstance(instance, SchoolMeasure):
        registry_id, region = _school(instance.school_id)
        code = MeasureDefinition.objects.filter(pk=instance.measure_id)
        return Deletion.Kind.MEASURE_VALUE, {
            "registry_id": registry_id,
            "region_id": region,
            "measure": code.values_list("code", flat=True).first() or "",
            "year": instance.year,
        }
    if isinstance(instance, Network):
        return Deletion.Kind.NETWORK, {"network_id": instance.pk, "region_id": instance.region_id}
    if isinstance(instance, Membership):
        registry_id, region = _school(instance.school_id)
        return Deletion.Kind.MEMBERSHIP, {
            "registry_id": registry_id,
            "network_id": instance.network_id,
            "region_id": _network_region(instance.network_id) or region,
        }
    if isinstance(instance, NetworkRole):
        return Deletion.Kind.NETWORK_ROLE, {
            "network_id": instance.network_id,
            "region_id": _network_region(instance.network_id),
        }
    if isinstance(instance, Event):
        network, region = _event_place(instance)
        return Deletion.Kind.EVENT, {"network_id": network, "region_id": region}
    if isinstance(instance, Registration):
        event = Event.objects.filter(pk=instance.event_id).first()
        network, region = _event_place(event) if event else (None, None)
        return Deletion.Kind.REGISTRATION, {"network_id": network, "region_id": region}
    if isinstance(instance, Resource):
        return Deletion.Kind.RESOURCE, {
            "network_id": instance.network_id,
            "region_id": _network_region(instance.network_id),
        }
    if isinstance(instance, DevelopmentPlan):
        return Deletion.Kind.PLAN, {
            "network_id": instance.network_id,
            "region_id": _network_region(instance.network_id),
        }
    if isinstance(instance, Consultation):
        return Deletion.Kind.CONSULTATION, {
            "network_id": instance.network_id,
            "region_id": instance.region_id or _network_region(instance.network_id),
        }
    raise TypeError(f"No tombstone for {type(instance).__name__}")


SYNCED = (
    School,
    SchoolMeasure,
    Network,
    Membership,
    NetworkRole,
    Event,
    Registration,
    Resource,
    DevelopmentPlan,
    Consultation,
)


def tombstone(sender: type, instance: Any, **kwargs: Any) -> None:
    kind, fields = _fields(instance)
    Deletion.objects.create(kind=kind, object_id=instance.pk, **fields)


def connect() -> None:
    for model in SYNCED:
        post_delete.connect(tombstone, sender=model, dispatch_uid=f"api.tombstone.{model._meta.label_lower}")
