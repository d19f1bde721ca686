"""Who may see and change library resources.

A network's resource is seen by whoever may see the network and changed (new version, policy
agreed) by its author or the network's coordinators; a public resource is seen by anyone signed
in and changed by its author or a site administrator. Outsiders get 404, readers 403 on writes.
Adopting a policy is for the leaders and administrators of a member school.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access
from kindred.accounts.models import User
from kindred.library.models import Resource
from kindred.networks.access import network_access, networks_visible_q
from kindred.networks.models import Network


def resource_access(user: User, resource: Resource) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.is_superuser:
        return Access.WRITE
    if resource.network_id is None:
        return Access.WRITE if resource.created_by_id == user.pk else Access.READ
    access = network_access(user, resource.network)
    if access == Access.READ and resource.created_by_id == user.pk:
        return Access.WRITE
    return access


def resource_for_user(user: User, pk: int, *, write: bool = False) -> Resource:
    resource = get_object_or_404(Resource.objects.select_related("network", "agreed_version"), pk=pk)
    access = resource_access(user, resource)
    if access == Access.NONE:
        raise Http404("No such resource.")
    if write and access < Access.WRITE:
        raise PermissionDenied("Only the author or the network's coordinators can change this.")
    return resource


def resources_visible_q(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(network__isnull=True) | Q(
        network_id__in=Network.objects.filter(networks_visible_q(user)).values("pk")
    )
