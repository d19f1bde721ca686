"""Who may see, change and register for an event (the rule follows the event's owner).

| owner    | sees it                                        | changes it                                    |
|----------|------------------------------------------------|-----------------------------------------------|
| network  | whoever may see the network (networks.access)  | the network's coordinators, site admins       |
| school   | anyone signed in (a school's public programme) | the school's leaders and administrators       |
| region   | anyone signed in                               | the region's system leaders, site admins      |

Making an event follows the same rule as changing one: a network's coordinators, a school's leaders
and administrators (`may_create_for_school`), a region's system leaders (`may_create_in_region`).

Outsiders get 404, read-only users 403 on writes. Registering needs only sight of the event;
registering a group of pupils needs the right to act for the school (its leader or administrator).
Who has registered is shown to the organisers only (`sees_every_registration`, the event page's
"Who is coming" and the API); anyone else who sees the event sees their own registrations.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access
from kindred.accounts.models import RegionalRole, User
from kindred.events.models import Event, Registration
from kindred.networks.access import known_access, may_act_for_school, network_access, networks_visible_q
from kindred.networks.models import Network
from kindred.schools.models import Region, School


def _region_leader(user: User, region_id: int) -> bool:
    return RegionalRole.objects.filter(
        Q(region_id=region_id) | Q(local_authority__region_id=region_id), user=user
    ).exists()


def event_access(user: User, event: Event) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.is_superuser:
        return Access.WRITE
    if event.network_id:
        return network_access(user, event.network)
    if event.school_id:
        return Access.WRITE if may_act_for_school(user, event.school) else Access.READ
    return Access.WRITE if _region_leader(user, event.region_id) else Access.READ


def event_for_user(user: User, pk: int, *, write: bool = False) -> Event:
    """The event if `user` may see it (or change it, with write=True); 404 / 403 otherwise."""
    event = get_object_or_404(
        Event.objects.select_related("network", "school", "region", "host_school", "host_organisation"), pk=pk
    )
    access = event_access(user, event)
    if access == Access.NONE:
        raise Http404("No such event.")
    if write and access < Access.WRITE:
        raise PermissionDenied("Only the event's organisers can change it.")
    return event


def events_visible_q(user: User) -> Q:
    """A filter on Event for the events `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    visible_networks = Network.objects.filter(networks_visible_q(user)).values("pk")
    return Q(network__isnull=True) | Q(network_id__in=visible_networks)


def sees_every_registration(user: User, event: Event) -> bool:
    """Who is registered (names, schools, places, attendance) is for the event's organisers, those
    who may change it; anyone else who sees the event sees the numbers and their own registrations."""
    return event_access(user, event) == Access.WRITE


def registration_for_user(user: User, pk: int) -> Registration:
    """A registration its owner (or the event's organisers) may cancel or mark; 404 for anyone else."""
    registration = get_object_or_404(Registration.objects.select_related("event", "school"), pk=pk)
    if registration.user_id == user.pk:
        return registration
    if registration.school_id and may_act_for_school(user, registration.school):
        return registration
    if event_access(user, registration.event) == Access.WRITE:
        return registration
    if event_access(user, registration.event) == Access.READ:
        raise PermissionDenied("Only the person registered, their school or the organisers can change this.")
    raise Http404("No such registration.")


def region_for_user(user: User, pk: int) -> Region:
    """Regions' calendars are open to anyone signed in (only visible events are shown). The region
    comes with `led_by_user` (whether `user` is one of its system leaders), read in the same query."""
    if not user.is_authenticated:
        raise Http404("No such region.")
    leads = RegionalRole.objects.filter(
        Q(region_id=OuterRef("pk")) | Q(local_authority__region_id=OuterRef("pk")), user=user
    )
    return get_object_or_404(Region.objects.annotate(led_by_user=Exists(leads)), pk=pk)


def may_create_in_network(user: User, network: Network) -> bool:
    return known_access(user, network) == Access.WRITE


def may_create_for_school(user: User, school: School) -> bool:
    """A school's events are made by its leaders and administrators (and site admins)."""
    return may_act_for_school(user, school)


def may_create_in_region(user: User, region: Region) -> bool:
    """A region's events are made by its system leaders (and site admins)."""
    if not (user.is_authenticated and user.is_active):
        return False
    led = getattr(region, "led_by_user", None)
    return user.is_superuser or (led if led is not None else _region_leader(user, region.pk))


def school_for_creating(user: User, registry_id: str) -> School:
    """The school, if `user` may make its events: 404 if there is none, 403 if they may not
    (a school's programme is public, so its existence is no secret)."""
    school = get_object_or_404(School, registry_id=registry_id)
    if not may_create_for_school(user, school):
        raise PermissionDenied("Only the school's leaders and administrators make its events.")
    return school


def region_for_creating(user: User, pk: int) -> Region:
    """The region, if `user` may make its events: 404 if there is none, 403 if they may not."""
    region = region_for_user(user, pk)
    if not may_create_in_region(user, region):
        raise PermissionDenied("Only the region's system leaders make its events.")
    return region
