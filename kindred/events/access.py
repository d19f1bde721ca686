"""Who may see, change and register for an event (the rule follows the event's owner).

| owner    | sees it                                        | changes it                                    |
|----------|------------------------------------------------|-----------------------------------------------|
| network  | whoever may see the network (networks.access)  | the network's coordinators, site admins       |
| school   | anyone signed in (a school's public programme) | the school's leaders and administrators       |
| region   | anyone signed in                               | the region's system leaders, site admins      |

Outsiders get 404, read-only users 403 on writes. Registering needs only sight of the event;
registering a group of pupils needs the right to act for the school (its leader or administrator).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access
from kindred.accounts.models import RegionalRole, User
from kindred.events.models import Event, Registration
from kindred.networks.access import may_act_for_school, network_access, networks_visible_q
from kindred.networks.models import Network


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
        Event.objects.select_related("network", "school", "region", "host_school"), pk=pk
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


def region_for_user(user: User, pk: int):
    """Regions' calendars are open to anyone signed in (only visible events are shown)."""
    from kindred.schools.models import Region

    if not user.is_authenticated:
        raise Http404("No such region.")
    return get_object_or_404(Region, pk=pk)


def may_create_in_network(user: User, network: Network) -> bool:
    return network_access(user, network) == Access.WRITE
