"""Writes for networks: one function per action, keyword-only, atomic, audited.

Views, commands, the demo and other apps (brokering, formation) all call these; none of them
creates or changes a network's rows directly. Every refusal is a ValidationError that says why,
raised before anything is written.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.accounts.models import Organisation, SchoolStaff, User
from kindred.audit.services import audit
from kindred.core import ratelimit
from kindred.networks.access import is_network_member
from kindred.networks.models import (
    PARTNER_ROLES,
    Connection,
    FormalRequest,
    Membership,
    MembershipRequest,
    Network,
    NetworkRole,
    Profile,
    generated_name,
)
from kindred.networks.rota import rota_rebalance
from kindred.schools.models import Region, School

NETWORK_FIELDS = {"purpose", "description", "phase", "subject", "visibility", "status", "capacity"}


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - NETWORK_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown network fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )


@transaction.atomic
def network_create(
    *,
    name: str = "",
    kind: Network.Kind | str,
    region: Region | None,
    by: User | None,
    coordinator: User | None = None,
    at: datetime | None = None,
    without_coordinator: bool = False,
    made_by: Network.Made | str = "",
    name_params: dict | None = None,
    informal: bool = False,
    **fields,
) -> Network:
    """Create a network; `coordinator` (default: `by`, when given) becomes its first coordinator,
    unless `without_coordinator` (a published formation whose lead school names one on accepting).

    A network Kindred makes (`made_by` formation or brokering) is named from `name_params` (the
    data its name is made of: see networks.models.generated_name), in each reader's language; its
    `name` is then the English form, kept for search and sorting, and `name` is not needed.
    `fields` may set purpose, description, phase, subject, visibility, status and capacity.
    `informal` makes it a group from below, started by `by` (use `group_start`, which checks who may).
    """
    _check_fields(fields)
    if kind == Network.Kind.PARTNERSHIP:
        fields.setdefault("visibility", Network.Visibility.PRIVATE)
    _check_partnership_private(kind, fields.get("visibility", Network.Visibility.PUBLIC))
    if made_by:
        with translation.override("en"):
            name = generated_name(made_by, name_params or {})
        if not name:
            raise ValidationError(
                _("A network made by %(made_by)s needs the parts of its name.") % {"made_by": made_by}
            )
    network = Network(
        name=name.strip()[:200],
        made_by=made_by,
        name_params=(name_params or {}) if made_by else {},
        kind=kind,
        region=region,
        created_at=at or timezone.now(),
        informal=informal,
        started_by=by if informal else None,
        **fields,
    )
    network.full_clean()
    network.save()
    audit(by, "network.created", network, kind=str(kind))
    coordinator = coordinator or (by if by is not None and by.is_authenticated else None)
    if coordinator is not None and not without_coordinator:
        network_role_add(network=network, user=coordinator, role=NetworkRole.Role.COORDINATOR, by=by, at=at)
    return network


def group_kinds() -> list[str]:
    """The kinds of network any member of staff may start as an informal group (a setting)."""
    return [kind for kind in Network.Kind.values if kind in settings.INFORMAL_GROUP_KINDS]


@transaction.atomic
def group_start(*, name: str, kind: Network.Kind | str, by: User, **fields) -> Network:
    """Start an informal group (issue 23, item 3): any member of staff may, of the kinds the
    installation allows, up to INFORMAL_GROUPS_PER_PERSON open ones at a time. The group belongs to
    the region of its founder's school, so the leaders there see it; `by` coordinates it."""
    if kind not in group_kinds():
        raise ValidationError(
            _("Informal groups of this kind cannot be started here; ask a leader to start a network.")
        )
    school_role = SchoolStaff.objects.filter(user=by).select_related("school").order_by("pk").first()
    if school_role is None:
        raise ValidationError(_("Only staff of a school can start an informal group."))
    limit = settings.INFORMAL_GROUPS_PER_PERSON
    started = Network.objects.filter(informal=True, started_by=by).exclude(status=Network.Status.CLOSED)
    if limit and started.count() >= limit:
        raise ValidationError(
            ngettext(
                "You already run %(count)d open informal group: close it, or ask a leader, before starting another.",
                "You already run %(count)d open informal groups: close one, or ask a leader, before starting another.",
                limit,
            )
            % {"count": limit}
        )
    fields.pop("status", None)
    return network_create(
        name=name,
        kind=kind,
        region=school_role.school.region,
        by=by,
        informal=True,
        status=Network.Status.ACTIVE,
        **fields,
    )


@transaction.atomic
def group_formal_request(*, network: Network, by: User, message: str = "") -> FormalRequest:
    """A group's coordinator asks the leaders over its members to make it a formal network (one
    ask waits at a time; each ask and its answer stay in the group's history)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not network.informal:
        raise ValidationError(_("%(network)s is already a formal network.") % {"network": network.name})
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("%(network)s is closed.") % {"network": network.name})
    if network.formal_requests.filter(status=FormalRequest.Status.PENDING).exists():
        raise ValidationError(_("The leaders have been asked already; they will decide."))
    formal_request = FormalRequest.objects.create(
        network=network, requested_by=by, message=" ".join(message.split())[:500]
    )
    audit(by, "group.formal_requested", network, request=formal_request.pk)
    return formal_request


@transaction.atomic
def group_formal_decide(*, network: Network, by: User, approve: bool, reason: str = "") -> FormalRequest:
    """A leader over the group's members (the caller has checked) makes it a formal network, or
    declines with a reason its members read (it stays a group and may ask again)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    pending = network.formal_requests.filter(status=FormalRequest.Status.PENDING).first()
    if not network.informal or pending is None:
        raise ValidationError(
            _("Nobody has asked to make %(network)s a formal network.") % {"network": network.name}
        )
    pending.status = FormalRequest.Status.APPROVED if approve else FormalRequest.Status.DECLINED
    pending.decided_by, pending.decided_at = by, timezone.now()
    pending.reason = " ".join(reason.split())[:500]
    pending.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if approve:
        network.informal = False
        network.save(update_fields=["informal"])
    audit(
        by,
        "group.formal_approved" if approve else "group.formal_declined",
        network,
        request=pending.pk,
        reason=pending.reason,
    )
    return pending


@transaction.atomic
def group_close(*, network: Network, by: User, reason: str = "") -> Network:
    """Close an informal group (its coordinator or a leader over its members): its board and
    history stay readable to its members; nobody joins or posts any more; an ask to become a
    formal network still waiting is withdrawn."""
    if not network.informal:
        raise ValidationError(_("Only informal groups are closed this way."))
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("%(network)s is closed.") % {"network": network.name})
    reason = " ".join(reason.split())[:300]
    network.status = Network.Status.CLOSED
    network.save(update_fields=["status"])
    network.formal_requests.filter(status=FormalRequest.Status.PENDING).update(
        status=FormalRequest.Status.WITHDRAWN, decided_by=by, decided_at=timezone.now()
    )
    audit(by, "group.closed", network, reason=reason)
    return network


@transaction.atomic
def network_update(*, network: Network, by: User, **fields) -> Network:
    """Change a network's name, kind, region or any of the fields `network_create` takes.

    Its edit form sends every field back, changed or not; an unchanged field changes nothing.
    """
    name = fields.pop("name", None)
    kind = fields.pop("kind", None)
    has_region = "region" in fields
    region = fields.pop("region", None)
    _check_fields(fields)
    _check_partnership_private(kind or network.kind, fields.get("visibility", network.visibility))
    if kind is not None and kind != network.kind and network.member_links.open().exists():
        raise ValidationError(
            _("This community of communities has member networks: end their membership first.")
        )
    changed = {}
    if name is not None and name.strip() != network.name:
        changed["name"] = [network.name, name.strip()]
        network.name = name.strip()
        # A person renamed a network Kindred had named: the name is theirs now, as typed.
        network.made_by, network.name_params = "", {}
    if kind is not None and kind != network.kind:
        changed["kind"] = [network.kind, str(kind)]
        network.kind = kind
    if has_region and region != network.region:
        changed["region"] = [str(network.region or ""), str(region or "")]
        network.region = region
    for field, value in fields.items():
        if getattr(network, field) != value:
            changed[field] = [str(getattr(network, field)), str(value)]
            setattr(network, field, value)
    network.full_clean()
    if changed:  # an unchanged form is no change: its time of last change stays (core/changes.py)
        network.save()
        audit(by, "network.updated", network, changes=changed)
    return network


def _check_partnership_private(kind: str, visibility: str) -> None:
    """A partnership is seen by its members and the leaders over them only (issue 21, item 6)."""
    if kind == Network.Kind.PARTNERSHIP and visibility != Network.Visibility.PRIVATE:
        raise ValidationError(
            _("A partnership is private: only its schools and the leaders over them see it.")
        )


def _has_room(network: Network) -> bool:
    return network.capacity is None or network.memberships.active().count() < network.capacity


@transaction.atomic
def membership_add(
    *,
    network: Network,
    school: School,
    role: Membership.Role | str = Membership.Role.MEMBER,
    by: User | None,
    at: datetime | None = None,
) -> Membership:
    """Make `school` a member of `network` (the caller has checked that `by` may).

    `at` records a membership that began earlier (importing a network's history); default now.
    """
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("%(network)s is closed.") % {"network": network.display_name})
    if network.memberships.active().filter(school=school).exists():
        raise ValidationError(_("%(school)s is already a member.") % {"school": school.name})
    if not _has_room(network):
        raise ValidationError(_("%(network)s is full.") % {"network": network.display_name})
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown school role %(role)s.") % {"role": role})
    membership = Membership.objects.create(
        network=network, school=school, role=role, joined_at=at or timezone.now()
    )
    MembershipRequest.objects.filter(
        network=network, school=school, person__isnull=True, status=MembershipRequest.Status.PENDING
    ).update(status=MembershipRequest.Status.APPROVED, decided_by=by, decided_at=timezone.now())
    audit(by, "membership.added", membership, network=network.pk, role=str(role))
    _rota_refresh(network, by=by)
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, reason: str, by: User | None, at: datetime | None = None
) -> Membership:
    """A school leaves: its membership ends with a reason and stays in the history.

    The people whose roles were tied to that school (its contact teachers) step down with it;
    a network's last coordinator cannot be taken out this way (hand over first).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the school is leaving; the reason stays in the network's history."))
    if membership.left_at is not None:
        raise ValidationError(_("%(school)s has already left.") % {"school": membership.school.name})
    tied_roles = NetworkRole.objects.active().filter(network=membership.network, school=membership.school)
    for role in tied_roles:
        _check_not_last_coordinator(role)
    now = at or timezone.now()
    if now < membership.joined_at:
        raise ValidationError(_("A school cannot leave before it joined."))
    membership.left_at = now
    membership.leave_reason = reason[:500]
    membership.save(update_fields=["left_at", "leave_reason"])
    for role in tied_roles:
        _role_end(role, by=by, now=now)
    audit(by, "membership.ended", membership, network=membership.network_id, reason=membership.leave_reason)
    _rota_refresh(membership.network, by=by)
    return membership


@transaction.atomic
def membership_replace(
    *, membership: Membership, school: School, reason: str, by: User | None, at: datetime | None = None
) -> MembershipRequest:
    """A member leaves and `school` is invited to take its place (and school role): the school joins
    when its leaders accept (`membership_request_decide`), which records it as the replacement in
    the network's history; a school is never added without its consent."""
    if school.pk == membership.school_id:
        raise ValidationError(_("A school cannot replace itself."))
    role = membership.role
    membership_end(membership=membership, reason=reason, by=by, at=at)
    invitation = membership_request_create(
        network=membership.network,
        school=school,
        kind=MembershipRequest.Kind.INVITE,
        role=role,
        by=by,
        replaces=membership,  # says whose place it is, in each reader's language (display_message)
        at=at,
    )
    audit(
        by,
        "membership.replacement_invited",
        membership,
        network=membership.network_id,
        invited=school.pk,
    )
    return invitation


@transaction.atomic
def membership_role_change(*, membership: Membership, role: Membership.Role | str, by: User) -> Membership:
    if membership.left_at is not None:
        raise ValidationError(_("%(school)s has left the network.") % {"school": membership.school.name})
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown school role %(role)s.") % {"role": role})
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit(by, "membership.role_changed", membership, old=old, new=str(role))
    return membership


@transaction.atomic
def network_role_add(
    *,
    network: Network,
    user: User,
    role: NetworkRole.Role | str,
    by: User | None,
    school: School | None = None,
    organisation: Organisation | None = None,
    at: datetime | None = None,
) -> NetworkRole:
    """Give `user` a role in `network`; a contact teacher is the contact for a member school; a
    partner, an expert or a facilitator comes from a partner organisation (one of its people)."""
    if role not in NetworkRole.Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    if not user.is_active:
        raise ValidationError(_("%(person)s's account is not active.") % {"person": user})
    _check_partner(user=user, role=role, organisation=organisation)
    if role == NetworkRole.Role.CONTACT_TEACHER:
        if school is None:
            raise ValidationError(_("A contact teacher is the contact for one member school; choose it."))
        if not network.memberships.active().filter(school=school).exists():
            raise ValidationError(_("%(school)s is not a member of this network.") % {"school": school.name})
        if not school.staff.filter(user=user).exists():
            raise ValidationError(
                _("%(person)s does not work at %(school)s.") % {"person": user, "school": school.name}
            )
    if NetworkRole.objects.active().filter(network=network, user=user, role=role).exists():
        raise ValidationError(
            _("%(person)s is already %(role)s.") % {"person": user, "role": NetworkRole.Role(role).label}
        )
    network_role = NetworkRole.objects.create(
        network=network,
        user=user,
        role=role,
        school=school,
        organisation=organisation,
        started_at=at or timezone.now(),
    )
    audit(
        by,
        "network_role.added",
        network_role,
        network=network.pk,
        user=user.pk,
        role=str(role),
        organisation=organisation.pk if organisation else None,
    )
    return network_role


def _check_partner(*, user: User, role: str, organisation: Organisation | None) -> None:
    """A partner's role comes with the organisation the person is one of; other roles with none."""
    if role in PARTNER_ROLES:
        if organisation is None:
            raise ValidationError(
                _("A partner, an expert or a facilitator comes from an organisation; choose it.")
            )
        if not organisation.people.filter(user=user).exists():
            raise ValidationError(
                _("%(person)s is not one of %(organisation)s's people.")
                % {"person": user, "organisation": organisation.name}
            )
    elif organisation is not None:
        raise ValidationError(_("Only partners, experts and facilitators come from an organisation."))


@transaction.atomic
def partner_invite(
    *,
    network: Network,
    person: User,
    organisation: Organisation,
    role: NetworkRole.Role | str,
    by: User | None,
    message: str = "",
) -> MembershipRequest:
    """A coordinator invites one of a partner organisation's people into `network` with a role
    (partner, expert, facilitator); the person accepts or declines on the network's page."""
    if role not in PARTNER_ROLES:
        raise ValidationError(_("Invite a partner as a partner, an expert or a facilitator."))
    if not person.is_active:
        raise ValidationError(_("%(person)s's account is not active.") % {"person": person})
    _check_partner(user=person, role=str(role), organisation=organisation)
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("%(network)s is closed.") % {"network": network.display_name})
    if NetworkRole.objects.active().filter(network=network, user=person, role=role).exists():
        raise ValidationError(
            _("%(person)s is already %(role)s.") % {"person": person, "role": NetworkRole.Role(role).label}
        )
    if MembershipRequest.objects.filter(
        network=network, person=person, status=MembershipRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("%(person)s already has a request or an invitation waiting for %(network)s.")
            % {"person": person, "network": network.display_name}
        )
    invitation = MembershipRequest.objects.create(
        network=network,
        person=person,
        organisation=organisation,
        partner_role=role,
        kind=MembershipRequest.Kind.INVITE,
        message=message.strip()[:500],
        requested_by=by,
    )
    audit(
        by,
        "membership_request.partner_invited",
        invitation,
        network=network.pk,
        person=person.pk,
        organisation=organisation.pk,
        role=str(role),
    )
    return invitation


def _check_not_last_coordinator(role: NetworkRole) -> None:
    if role.role != NetworkRole.Role.COORDINATOR:
        return
    others = (
        NetworkRole.objects.active()
        .filter(network_id=role.network_id, role=NetworkRole.Role.COORDINATOR)
        .exclude(pk=role.pk)
    )
    if not others.exists():
        raise ValidationError(
            _("%(person)s is the last coordinator of %(network)s: appoint another coordinator first.")
            % {"person": role.user, "network": role.network.display_name}
        )


def _role_end(role: NetworkRole, *, by: User | None, now) -> None:
    role.ended_at = now
    role.save(update_fields=["ended_at"])
    audit(by, "network_role.ended", role, network=role.network_id, user=role.user_id, role=role.role)


@transaction.atomic
def network_role_end(*, network_role: NetworkRole, by: User | None) -> NetworkRole:
    """A person steps down (or is removed); the last coordinator cannot."""
    if network_role.ended_at is not None:
        raise ValidationError(_("This role has already ended."))
    _check_not_last_coordinator(network_role)
    _role_end(network_role, by=by, now=timezone.now())
    return network_role


@transaction.atomic
def coordinator_hand_over(*, network_role: NetworkRole, to: User, by: User) -> NetworkRole:
    """A coordinator hands over to `to` and steps down, in one step."""
    if network_role.role != NetworkRole.Role.COORDINATOR or network_role.ended_at is not None:
        raise ValidationError(_("Only a serving coordinator can hand over."))
    if to.pk == network_role.user_id:
        raise ValidationError(_("Choose someone else to hand over to."))
    new = network_role_add(network=network_role.network, user=to, role=NetworkRole.Role.COORDINATOR, by=by)
    network_role_end(network_role=network_role, by=by)
    return new


def account_delete_blockers(user: User) -> list[Network]:
    """The networks `user` is the last coordinator of: they must hand over before deleting their account."""
    blocking = []
    for role in (
        NetworkRole.objects.active()
        .filter(user=user, role=NetworkRole.Role.COORDINATOR)
        .select_related("network")
    ):
        others = NetworkRole.objects.active().filter(network=role.network, role=NetworkRole.Role.COORDINATOR)
        if not others.exclude(user=user).exists():
            blocking.append(role.network)
    return blocking


@transaction.atomic
def network_roles_end_for_account(*, user: User) -> None:
    """End every role of a person whose account is being deleted, and delete their profile and
    connections; refused while they are the last coordinator of a network."""
    blocking = account_delete_blockers(user)
    if blocking:
        raise ValidationError(
            _("You are the last coordinator of %(networks)s: hand over before deleting your account.")
            % {"networks": ", ".join(n.display_name for n in blocking)}
        )
    now = timezone.now()
    for role in NetworkRole.objects.active().filter(user=user):
        _role_end(role, by=user, now=now)
    # What the person wrote about themself goes with the account; pending requests too.
    Profile.objects.filter(user=user).delete()
    Connection.objects.filter(Q(from_user=user) | Q(to_user=user)).delete()
    MembershipRequest.objects.filter(person=user, status=MembershipRequest.Status.PENDING).delete()


# Asking to join and inviting ---------------------------------------------------------------


@transaction.atomic
def membership_request_create(
    *,
    network: Network,
    kind: MembershipRequest.Kind | str,
    by: User | None,
    school: School | None = None,
    person: User | None = None,
    message: str = "",
    role: Membership.Role | str = Membership.Role.MEMBER,
    replaces: Membership | None = None,
    at: datetime | None = None,
) -> MembershipRequest:
    """A school asks to join (kind ASK), a coordinator invites a school (kind INVITE; with `replaces`,
    to take the place of a member that left), or one person asks to join as a member themself (kind
    ASK with `person`, no school needed)."""
    if (school is None) == (person is None):
        raise ValidationError(_("A request is for a school or for one person."))
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("%(network)s is closed.") % {"network": network.display_name})
    if kind == MembershipRequest.Kind.ASK and not network.wants_members:
        raise ValidationError(
            _("A partnership is between its own schools; nobody asks to join it. Its coordinators invite.")
        )
    pending = MembershipRequest.objects.filter(network=network, status=MembershipRequest.Status.PENDING)
    if person is not None:
        if kind != MembershipRequest.Kind.ASK:
            raise ValidationError(_("Coordinators add a person directly; people ask for themselves."))
        if is_network_member(person, network):
            raise ValidationError(_("You already belong to %(network)s.") % {"network": network.display_name})
        if pending.filter(person=person).exists():
            raise ValidationError(_("Your request to join is already waiting for the coordinators."))
    elif school is not None:  # always, when there is no person (checked above)
        if network.memberships.active().filter(school=school).exists():
            raise ValidationError(_("%(school)s is already a member.") % {"school": school.name})
        if pending.filter(school=school, person__isnull=True).exists():
            raise ValidationError(
                _("%(school)s already has a request or an invitation waiting for %(network)s.")
                % {"school": school.name, "network": network.display_name}
            )
        if not _has_room(network):
            raise ValidationError(_("%(network)s is full.") % {"network": network.display_name})
    if kind == MembershipRequest.Kind.ASK:
        ratelimit.check(
            MembershipRequest.objects.filter(requested_by=by, kind=MembershipRequest.Kind.ASK),
            person=by,
            limit=settings.JOIN_REQUESTS_PER_DAY,
            window=timedelta(days=1),
            message=_(
                "You have sent %(n)s requests to join in the last day: please wait a day and ask again."
            ),
        )
    request = MembershipRequest.objects.create(
        network=network,
        school=school,
        person=person,
        kind=kind,
        role=role,
        message=message.strip()[:500],
        requested_by=by,
        replaces=replaces,
        created_at=at or timezone.now(),
    )
    action = (
        "membership_request.invited" if kind == MembershipRequest.Kind.INVITE else "membership_request.asked"
    )
    audit(by, action, request, network=network.pk, person=person.pk if person else None)
    return request


@transaction.atomic
def membership_request_decide(
    *, request: MembershipRequest, approve: bool, by: User, at: datetime | None = None
) -> MembershipRequest:
    """Approve or decline a pending request (by a coordinator) or invitation (by the school).

    An accepted invitation to replace a member that left makes the new membership its replacement
    (`Membership.replaced_by`), so the history says who took whose place. `at`: when it was decided
    (importing a network's history); default now."""
    if request.status != MembershipRequest.Status.PENDING:
        raise ValidationError(_("This has already been decided."))
    # A request is for a person or a school (constraint membershiprequest_for_a_school_or_a_person).
    if approve and request.organisation is not None and request.person is not None:
        network_role_add(
            network=request.network,
            user=request.person,
            role=request.partner_role,
            organisation=request.organisation,
            by=by,
        )
    elif approve and request.person is not None:
        network_role_add(network=request.network, user=request.person, role=NetworkRole.Role.MEMBER, by=by)
    elif approve and request.school is not None:
        added = membership_add(
            network=request.network, school=request.school, role=request.role, by=by, at=at
        )
        request.refresh_from_db()
        leaver = request.replaces
        if leaver is not None:
            leaver.replaced_by = added
            leaver.save(update_fields=["replaced_by"])
            audit(
                by, "membership.replaced", leaver, network=request.network_id, replaced_by=request.school_id
            )
    if request.status == MembershipRequest.Status.PENDING:
        request.status = MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.DECLINED
        request.decided_by = by
        request.decided_at = at or timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
    audit(
        by,
        "membership_request.approved" if approve else "membership_request.declined",
        request,
        network=request.network_id,
    )
    return request


@transaction.atomic
def membership_request_withdraw(*, request: MembershipRequest, by: User) -> MembershipRequest:
    if request.status != MembershipRequest.Status.PENDING:
        raise ValidationError(_("This has already been decided."))
    request.status = MembershipRequest.Status.WITHDRAWN
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit(by, "membership_request.withdrawn", request, network=request.network_id)
    return request


def _rota_refresh(network: Network, *, by: User | None) -> None:
    """Re-balance the network's future rota turns after a member change (no-op without a rota)."""
    if not network.rota_turns.exists():
        return

    rota_rebalance(network=network, by=by)


# People: profiles and connections ------------------------------------------------------------

PROFILE_FIELDS = {"job_title", "subjects", "phases", "offer", "languages", "visibility"}


@transaction.atomic
def profile_update(*, user: User, **fields) -> Profile:
    """Create or change `user`'s profile; only the person themself calls this."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown profile fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    profile, _created = Profile.objects.get_or_create(user=user)
    for field, value in fields.items():
        setattr(profile, field, value.strip() if isinstance(value, str) else value)
    profile.full_clean()
    profile.save()
    audit(user, "profile.updated", profile, fields=sorted(fields))
    return profile


@transaction.atomic
def connection_request(*, from_user: User, to_user: User, message: str = "") -> Connection:
    """Ask to connect with someone; asking again after a decline is refused."""
    if from_user.pk == to_user.pk:
        raise ValidationError(_("You cannot connect with yourself."))
    existing = Connection.objects.filter(
        Q(from_user=from_user, to_user=to_user) | Q(from_user=to_user, to_user=from_user)
    ).first()
    if existing is not None:
        if existing.status == Connection.Status.ACCEPTED:
            raise ValidationError(_("You are already connected."))
        if existing.status == Connection.Status.PENDING:
            raise ValidationError(_("A request to connect is already waiting for an answer."))
        raise ValidationError(_("%(person)s declined to connect.") % {"person": to_user})
    connection = Connection.objects.create(
        from_user=from_user, to_user=to_user, message=message.strip()[:500]
    )
    audit(from_user, "connection.requested", connection, to_user=to_user.pk)
    return connection


@transaction.atomic
def connection_decide(*, connection: Connection, accept: bool, by: User) -> Connection:
    if by.pk != connection.to_user_id:
        raise ValidationError(_("Only the person asked can answer."))
    if connection.status != Connection.Status.PENDING:
        raise ValidationError(_("This has already been answered."))
    connection.status = Connection.Status.ACCEPTED if accept else Connection.Status.DECLINED
    connection.decided_at = timezone.now()
    connection.save(update_fields=["status", "decided_at"])
    audit(by, "connection.accepted" if accept else "connection.declined", connection)
    return connection
