"""Who may see and change programmes, and who may read a network's evidence pack and add its
support letters (the rules of kindred/accounts/access.py and networks/access.py, applied here).

Programmes (as brokering runs follow the rules):

| who                                              | a programme of region R               |
|--------------------------------------------------|---------------------------------------|
| site administrator                               | reads and changes                     |
| system leader of R (or of an authority in R)     | reads and changes                     |
| a system leader of another region                | no (404)                              |
| school staff, anyone else                        | no (404)                              |

Outsiders get 404, so a region's programmes (and what they cost) do not leak their existence.
A network's own impact page stays with the network's rule (networks/access.py).

A network's evidence pack:

| who                                                     | the pack, its CSV, its letters | adds a letter |
|---------------------------------------------------------|--------------------------------|---------------|
| site administrator                                      | yes                            | yes           |
| the network's coordinator                               | yes                            | yes           |
| a system leader of the network's region (or an authority in it) | yes                    | yes           |
| anyone else who may see the network (a member's teacher, another network's coordinator) | no (403) | no (403) |
| anyone who may not see the network                      | no (404)                       | no (404)      |

An informal group's pack (issue 23, item 3) is for the leaders over its members and site administrators
only: its founder and coordinators, members of staff, gain no sight of the member schools' evidence
by starting a group (403, as any other reader).

The pack is for an application: it gathers the members' context, plans, letters and figures in one
place, so it is for those who apply (coordinators) and those over the network who support them
(system leaders), not for every reader of the network.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access
from kindred.accounts.models import User
from kindred.brokering.access import leader_regions
from kindred.impact.models import Programme
from kindred.networks.access import may_moderate_group, network_with_access
from kindred.networks.models import Network


def programmes_for_user(user: User) -> QuerySet[Programme]:
    """The programmes of the regions `user` leads (none for anyone else)."""
    return Programme.objects.filter(region__in=leader_regions(user)).select_related("region")


def programme_for_user(user: User, pk: int) -> Programme:
    """The programme if `user` leads its region (leaders change what they see); 404 otherwise."""
    programme = get_object_or_404(Programme.objects.select_related("region"), pk=pk)
    if programme.region not in leader_regions(user):
        raise Http404("No such programme.")
    return programme


def may_use_pack(user: User, network: Network, access: Access) -> bool:
    if network.informal:
        # An informal group applies for nothing until it is a formal network; its founder and
        # coordinators are members of staff, who see no school's evidence by running a group.
        return may_moderate_group(user, network)
    if access >= Access.WRITE:
        return True
    return network.region_id is not None and network.region_id in {r.pk for r in leader_regions(user)}


def network_pack_for_user(user: User, pk: int) -> Network:
    """The network when `user` may read its evidence pack; 404 if they may not see it, 403 otherwise."""
    network, access = network_with_access(user, pk)
    if not may_use_pack(user, network, access):
        raise PermissionDenied("The evidence pack is for the network's coordinators and system leaders.")
    return network
