"""Reads about people and roles."""

from typing import Any

from django.db.models import QuerySet

from kindred.accounts.access import audit_scope_for_user, regional_roles
from kindred.accounts.models import Invitation, JoinRequest, SchoolStaff, User
from kindred.accounts.personal_data import records as personal_data_records
from kindred.accounts.services import invitation_check, invitation_token_hash
from kindred.audit.models import AuditEvent
from kindred.schools.models import LocalAuthority, Region, School


def invitation_for_token(token: str) -> Invitation:
    """The invitation this link's token belongs to, if it can still be used; InvitationInvalid otherwise."""
    invitation = (
        Invitation.objects.select_related("school")
        .filter(token_hash=invitation_token_hash(token[:200]))
        .first()
    )
    return invitation_check(invitation)


def roles_of(*, user: User) -> dict[str, Any]:
    return {
        "school_roles": SchoolStaff.objects.filter(user=user)
        .select_related("school")
        .order_by("school__name"),
        "regional_roles": regional_roles(user),
        "join_requests": JoinRequest.objects.filter(user=user).select_related("school"),
    }


HOME_SCHOOLS = 5


def home_for(*, user: User) -> dict[str, Any]:
    """What a signed-in person came for, for the home page: their schools and their areas.

    - `schools`: up to HOME_SCHOOLS schools where they have a role, each with its roles
      (`[(school, ["Teacher", ...])]`), and `more_schools` when there are more;
    - `areas`: the regions and authorities they lead, each with its number of schools;
    - `networks`: empty here; the home page (`pages.views.home`, which sits above the networks
      app) fills it (`pages/home_networks.html`).
    """
    if not user.is_authenticated:
        return {}
    schools: dict[int, tuple[School, list[str]]] = {}
    for role in (
        SchoolStaff.objects.filter(user=user).select_related("school").order_by("school__name", "role")
    ):
        schools.setdefault(role.school_id, (role.school, []))[1].append(role.get_role_display())
    areas = []
    for regional in regional_roles(user):
        area: Region | LocalAuthority | None
        if regional.region_id:
            area, kind, count = regional.region, "region", School.objects.filter(region_id=regional.region_id)
        else:
            area, kind, count = (
                regional.local_authority,
                "local_authority",
                School.objects.filter(local_authority_id=regional.local_authority_id),
            )
        areas.append({"area": area, "kind": kind, "schools": count.count()})
    listed = list(schools.values())
    return {
        "schools": listed[:HOME_SCHOOLS],
        "more_schools": len(listed) > HOME_SCHOOLS,
        "areas": areas,
        "networks": [],
    }


def school_staff(*, school: School) -> QuerySet[SchoolStaff]:
    return (
        SchoolStaff.objects.filter(school=school)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def school_join_requests_pending(*, school: School) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(school=school, status=JoinRequest.Status.PENDING).select_related("user")


def join_requests_waiting(*, user: User) -> QuerySet[JoinRequest]:
    """Requests to join the staff of the schools `user` administers, waiting for their decision."""
    schools = SchoolStaff.objects.filter(user=user, role=SchoolStaff.Role.ADMINISTRATOR).values("school_id")
    return (
        JoinRequest.objects.filter(school_id__in=schools, status=JoinRequest.Status.PENDING)
        .select_related("user", "school")
        .order_by("-created_at")
    )


def school_invitations_pending(*, school: School) -> list[Invitation]:
    return [i for i in Invitation.objects.filter(school=school, accepted_at__isnull=True) if not i.is_expired]


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything Kindred holds about a person, for them to download."""

    def when(value):
        return value.isoformat() if value else None

    roles = roles_of(user=user)
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "email_verified_at": when(user.email_verified_at),
            "site_administrator": user.is_superuser,
        },
        "school_roles": [
            {"school": s.school.name, "registry_id": s.school.registry_id, "role": s.role}
            for s in roles["school_roles"]
        ],
        "regional_roles": [
            {
                "region": str(r.region) if r.region else None,
                "local_authority": str(r.local_authority or "") or None,
            }
            for r in roles["regional_roles"]
        ],
        "join_requests": [
            {
                "school": j.school.name,
                "role": j.role,
                "message": j.message,
                "status": j.status,
                "at": when(j.created_at),
            }
            for j in roles["join_requests"]
        ],
        "invitations_received": [
            {
                "school": i.school.name,
                "role": i.role,
                "created_at": when(i.created_at),
                "accepted_at": when(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related("school")
        ],
        "activity": [
            {"at": when(e.at), "action": e.action, "object": e.object_label, "details": e.details}
            for e in AuditEvent.objects.filter(actor=user).order_by("at")
        ],
        # every other table's rows that are the person's or name them (accounts/personal_data.py)
        "records": personal_data_records(user),
    }


def audit_events_for_user(user, *, action: str = "") -> QuerySet[AuditEvent]:
    """Events `user` may read (all for site admins, their region's for system leaders); 404 for others."""
    events = AuditEvent.objects.filter(audit_scope_for_user(user)).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    return events
