"""Who may see and change brokering runs and answer invitations (see accounts/access.py for the rules).

| who                                              | a run of region R          | a school's invitations |
|--------------------------------------------------|----------------------------|------------------------|
| site administrator                               | reads and changes          | reads and answers      |
| system leader of R (or of an authority in R)     | reads and changes          | reads                  |
| the school's administrators and leaders          | no (404)                   | reads and answers      |
| the school's other staff                         | no (404)                   | reads (403 on answer)  |
| anyone else                                      | no (404)                   | no (404)               |

A school's capacity to support others (`capacity_school_for_user`) is set by those who answer its
invitations and by the system leaders covering it; its other staff get 403, anyone else 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import (
    Access,
    is_site_admin,
    leader_region_ids,
    regional_schools_q,
    school_access,
)
from kindred.accounts.models import SchoolStaff, User
from kindred.brokering.models import Invitation, Run
from kindred.schools.models import Region, School

ANSWERING_ROLES = {SchoolStaff.Role.ADMINISTRATOR, SchoolStaff.Role.LEADER}


def leader_regions(user: User) -> list[Region]:
    """Regions whose runs `user` may start and review (all of them for site administrators)."""
    if is_site_admin(user):
        return list(Region.objects.all())
    if not user.is_authenticated:
        return []
    return list(Region.objects.filter(pk__in=leader_region_ids(user)))


def run_for_user(user: User, pk: int) -> Run:
    """The run if `user` leads its region (system leaders change what they see); 404 otherwise."""
    run = get_object_or_404(Run.objects.select_related("region", "job"), pk=pk)
    if run.region not in leader_regions(user):
        raise Http404("No such run.")
    return run


def invitation_school_for_user(user: User, registry_id: str, *, write: bool = False) -> School:
    """The school whose invitations `user` may see (answer, with write=True: its administrators and leaders)."""
    school = get_object_or_404(School.objects.select_related("region"), registry_id=registry_id)
    access = school_access(user, school)
    if access == Access.NONE:
        raise Http404("No such school area.")
    if write and not is_site_admin(user):
        roles = set(SchoolStaff.objects.filter(user=user, school=school).values_list("role", flat=True))
        if not roles & ANSWERING_ROLES:
            raise PermissionDenied("Only the school's administrators and leaders can answer invitations.")
    return school


def invitation_for_user(user: User, registry_id: str, pk: int) -> Invitation:
    school = invitation_school_for_user(user, registry_id, write=True)
    return get_object_or_404(
        Invitation.objects.select_related("proposed_network__network", "school"), school=school, pk=pk
    )


def may_act_for_needs(user: User, school: School) -> bool:
    """Site admins, system leaders covering the school and its administrators and leaders act on its
    needs (shortlist helpers, record approaches, propose partnerships); its other staff only read."""
    if is_site_admin(user):
        return True
    if school_access(user, school) == Access.NONE:
        return False
    own = set(SchoolStaff.objects.filter(user=user, school=school).values_list("role", flat=True))
    return not own or bool(own & ANSWERING_ROLES)


def may_set_capacity(user: User, school: School) -> bool:
    """Site admins, system leaders covering the school and its administrators and leaders."""
    if is_site_admin(user):
        return True
    if not user.is_authenticated:
        return False
    roles = set(SchoolStaff.objects.filter(user=user, school=school).values_list("role", flat=True))
    if roles & ANSWERING_ROLES:
        return True
    regional = regional_schools_q(user)
    return regional is not None and School.objects.filter(regional, pk=school.pk).exists()


def capacity_school_for_user(user: User, registry_id: str) -> School:
    """The school whose capacity to support others `user` may set (`may_set_capacity`); 404 without
    access to the school, 403 for its other staff."""
    school = get_object_or_404(School.objects.select_related("region"), registry_id=registry_id)
    if school_access(user, school) == Access.NONE:
        raise Http404("No such school area.")
    if not may_set_capacity(user, school):
        raise PermissionDenied("Only the school's leaders and its system leaders set its capacity.")
    return school
