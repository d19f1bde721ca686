"""Who may see and change what: one helper per kind of object, used by every view, API endpoint
and command.

The rule everywhere: someone with no role covering a private object gets 404 (Http404), so
private things do not reveal that they exist; someone who may read it but not change it gets 403
(PermissionDenied) on a write. The school registry itself (the search and the school page) is
public data and needs no helper; a school's *private area* (its staff list, its requests and
invitations, later its own data) goes through `school_for_user`.

| role                                   | reads a school's private area | changes it |
|----------------------------------------|-------------------------------|------------|
| site administrator (superuser)         | every school                  | yes        |
| system leader (RegionalRole)           | schools of the region / LA /  | no         |
|                                        | country                       |            |
| school administrator (SchoolStaff)     | that school                   | yes        |
| school leader, teacher, exams officer  | that school                   | no         |

Partners beyond schools (issue 23, item 4): a person who comes only as one of an organisation's
people (`OrganisationPerson`, or a network role on an organisation's behalf) and holds no school or
regional role is a *partner* (`is_partner_only`). Partners never see evidence on schools: relative
performance, families, strengths and needs, support categories (`may_see_school_evidence`,
`category_scope_for_user`); the registry's own facts stay public. What a school shares with its
networks (its self-evaluation, frameworks/access.py) they see in the networks they are in, like
every member; private networks and boards they are not in are 404 to them as to anyone.

Leaders of an organisation or a region (issue 23, item 6: whom an advisory council advises, and who
runs it, kindred/voice): an organisation's leaders are its administrators (`OrganisationPerson` with
the role administrator); a region's are its system leaders (a `RegionalRole` for the region itself,
not one of its authorities); site administrators lead both (`leads_organisation`, `leads_region`,
`organisations_led`, `regions_led`).
"""

from enum import IntEnum

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred import countries
from kindred.accounts.models import (
    JoinRequest,
    Organisation,
    OrganisationPerson,
    RegionalRole,
    SchoolStaff,
    User,
)
from kindred.schools.models import Region, School


class Access(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def regional_roles(user: User) -> list[RegionalRole]:
    """The user's regional roles, with their region and authority, by id: read once a request (kept
    on the user object, as `is_partner_only`), since the navigation, the access checks and the
    page itself each ask (a school's page asked four times)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_kindred_regional_roles", None)
    if cached is None:
        cached = list(
            RegionalRole.objects.filter(user=user).select_related("region", "local_authority").order_by("pk")
        )
        user._kindred_regional_roles = cached  # type: ignore[attr-defined]
    return cached


def is_system_leader(user: User) -> bool:
    return bool(user.is_authenticated and regional_roles(user))


def is_partner_only(user: User) -> bool:
    """Whether `user` comes only as a partner organisation's person: one of an organisation's people
    or holding a network role on an organisation's behalf, with no school role, no regional role and
    not a site administrator. Asked once a request (kept on the user object)."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    cached = getattr(user, "_kindred_partner_only", None)
    if cached is None:
        # One query, whoever asks: the four ways a person may hold a role, as EXISTS subqueries.
        row = (
            User.objects.filter(pk=user.pk)
            .annotate(
                of_organisation=Exists(OrganisationPerson.objects.filter(user=OuterRef("pk"))),
                for_organisation=Exists(
                    user.network_roles.model.objects.filter(  # type: ignore[attr-defined]
                        user=OuterRef("pk"), organisation__isnull=False, ended_at__isnull=True
                    )
                ),
                at_school=Exists(SchoolStaff.objects.filter(user=OuterRef("pk"))),
                over_area=Exists(RegionalRole.objects.filter(user=OuterRef("pk"))),
            )
            .values("of_organisation", "for_organisation", "at_school", "over_area")
            .first()
        )
        cached = bool(
            row
            and (row["of_organisation"] or row["for_organisation"])
            and not (row["at_school"] or row["over_area"])
        )
        user._kindred_partner_only = cached  # type: ignore[attr-defined]
    return cached


def may_see_school_evidence(user: User) -> bool:
    """Whether `user` may see the evidence on schools (relative performance, families, strengths and
    needs, the dashboard and the good-practice finder): anyone signed in but partners (module
    docstring); support categories have their own, narrower rule (`category_scope_for_user`)."""
    return bool(user.is_authenticated and user.is_active) and not is_partner_only(user)


def evidence_for_user(user: User) -> None:
    """Pages made of the evidence on schools (the dashboard, the good-practice finder, the API's
    relative performance and families): 404 for partners, as if they were not there."""
    if not may_see_school_evidence(user):
        raise Http404("No evidence here.")


def regional_schools_q(user: User, *, prefix: str = "") -> Q | None:
    """A filter for the schools the user's regional roles cover (None when there are none).

    `prefix` points the filter at a school from another model ("school__" for SchoolStaff).
    """
    condition = None
    several = countries.several()
    for role in regional_roles(user):
        if role.country_code:  # a country's leader: every school of that country
            one = Q(**{f"{prefix}country_code": role.country_code})
        elif role.region_id:
            one = Q(**{f"{prefix}region_id": role.region_id})
            if several:  # a region sits inside its country: never a school of another
                one &= Q(**{f"{prefix}country_code": role.region.country_code})
        else:
            one = Q(**{f"{prefix}local_authority_id": role.local_authority_id})
        condition = one if condition is None else condition | one
    return condition


def school_access(user: User, school: School) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.is_superuser:
        return Access.WRITE
    roles = set(SchoolStaff.objects.filter(user=user, school=school).values_list("role", flat=True))
    if SchoolStaff.Role.ADMINISTRATOR in roles:
        return Access.WRITE
    if roles:
        return Access.READ
    regional = regional_schools_q(user)
    if regional is not None and School.objects.filter(regional, pk=school.pk).exists():
        return Access.READ
    return Access.NONE


def school_for_user(user: User, registry_id: str, *, write: bool = False) -> School:
    """The school if `user` may see its private area (or change it, with write=True).

    404 when the school does not exist or the user has no role covering it; 403 when the user
    may only read and asked to write.
    """
    school = get_object_or_404(
        School.objects.select_related("region", "local_authority"), registry_id=registry_id
    )
    access = school_access(user, school)
    if access == Access.NONE:
        raise Http404("No such school area.")
    if write and access < Access.WRITE:
        raise PermissionDenied("Only the school's administrators can change this.")
    return school


def staff_for_user(user: User, registry_id: str, pk: int) -> SchoolStaff:
    """A staff role at the school, for its administrators to change; 404 if the id is another school's."""
    school = school_for_user(user, registry_id, write=True)
    return get_object_or_404(SchoolStaff.objects.select_related("user", "school"), school=school, pk=pk)


def join_request_for_user(user: User, registry_id: str, pk: int) -> JoinRequest:
    """A join request to the school, for its administrators to decide; 404 if it is another school's."""
    school = school_for_user(user, registry_id, write=True)
    return get_object_or_404(JoinRequest.objects.select_related("user", "school"), school=school, pk=pk)


def category_scope_for_user(user: User) -> Q | None:
    """The schools whose support category `user` may see, as a filter on School (None: every school).

    SUPPORT_CATEGORIES_VISIBLE_TO decides (docs/accounts.md, "Support categories"):
    - "covered" (the default): site administrators see every school's category; system leaders
      the categories of their regions' and authorities' schools; school staff their own school's.
      Other schools' categories are not shown to them.
    - "signed_in": everyone signed in sees every school's category.
    Anonymous visitors and partners (`is_partner_only`) never see one.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    if settings.SUPPORT_CATEGORIES_VISIBLE_TO == "signed_in":
        return Q(pk__in=[]) if is_partner_only(user) else None
    # "covered": a partner has no school and no area, so sees none (and costs no extra query).
    own = Q(pk__in=SchoolStaff.objects.filter(user=user).values("school_id"))
    regional = regional_schools_q(user)
    return own | regional if regional is not None else own


def audit_scope_for_user(user: User) -> Q:
    """The audit events `user` may read, as a filter; 404 for everyone but site admins and system leaders."""
    if is_site_admin(user):
        return Q()
    if not user.is_authenticated:
        raise Http404("No audit log here.")
    # An event is filed under a school, region and authority: a country's leader reads those of its
    # schools and regions; a region's or authority's leader those filed under theirs.
    regional = None
    several = countries.several()
    for role in regional_roles(user):
        if role.country_code:
            one = Q(school__country_code=role.country_code) | Q(
                school__isnull=True, region__country_code=role.country_code
            )
        elif role.region_id:
            one = Q(region_id=role.region_id)
            if several:  # as regional_schools_q: never a school of another country
                one &= Q(school__isnull=True) | Q(school__country_code=role.region.country_code)
        else:
            one = Q(local_authority_id=role.local_authority_id)
        regional = one if regional is None else regional | one
    if regional is None:
        raise Http404("No audit log here.")
    return regional


def organisation_for_user(user: User, pk: int) -> Organisation:
    """A partner organisation's page: open to anyone signed in (its name, kind and what it offers
    are no secret); 404 when there is none. Its people are listed by `sees_organisation_people`."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such organisation.")
    return get_object_or_404(Organisation.objects.select_related("region"), pk=pk)


def sees_organisation_people(user: User, organisation: Organisation) -> bool:
    """Who the organisation's people are is shown to them and to site administrators."""
    return is_site_admin(user) or (
        user.is_authenticated
        and OrganisationPerson.objects.filter(user=user, organisation=organisation).exists()
    )


def leads_organisation(user: User, organisation_id: int | None) -> bool:
    """Whether `user` is one of the organisation's leaders: its administrators (and site admins)."""
    if organisation_id is None or not user.is_authenticated or not user.is_active:
        return False
    return (
        is_site_admin(user)
        or OrganisationPerson.objects.filter(
            user=user, organisation_id=organisation_id, role=OrganisationPerson.Role.ADMINISTRATOR
        ).exists()
    )


def leads_region(user: User, region_id: int | None) -> bool:
    """Whether `user` is one of the region's leaders: its system leaders (and site admins)."""
    if region_id is None or not user.is_authenticated or not user.is_active:
        return False
    return is_site_admin(user) or any(role.region_id == region_id for role in regional_roles(user))


def organisations_led(user: User):
    """The organisations `user` leads (every one for a site admin)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if is_site_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        people__user=user, people__role=OrganisationPerson.Role.ADMINISTRATOR
    ).distinct()


def regions_led(user: User):
    """The regions `user` leads as a system leader (every one for a site admin)."""
    if not user.is_authenticated or not user.is_active:
        return Region.objects.none()
    if is_site_admin(user):
        return Region.objects.all()
    return Region.objects.filter(
        pk__in={role.region_id for role in regional_roles(user) if role.region_id} | country_region_ids(user)
    )


def leader_region_ids(user: User) -> set[int]:
    """The regions the user's regional roles cover (an authority counts for its region, a country
    for every region in it)."""
    region_ids = set()
    for role in regional_roles(user):
        region_ids.add(role.region_id or (role.local_authority.region_id if role.local_authority else None))
    region_ids.discard(None)
    return region_ids | country_region_ids(user)


def country_region_ids(user: User) -> set[int]:
    """The regions of the countries `user` leads as a whole (a country's system leader, issue 23): an
    empty set, without a query, for everyone else."""
    led = {role.country_code for role in regional_roles(user) if role.country_code}
    if not led:
        return set()
    return set(Region.objects.filter(country_code__in=led).values_list("pk", flat=True))
