"""Writes for communities of communities (issue 23, item 5): networks as members of a network.

A community of communities (`Network.Kind.NETWORKS`: a region's clusters, a country's communities,
a programme) has member *networks*. Its coordinators invite a network (`link_invite`); the invited
network's coordinators accept or decline (`link_decide`), as a school's leaders decide an invitation
of their school; the coordinators of either side may withdraw an invitation or end a membership,
with a reason (`link_end`). Each invitation is one `NetworkLink` row, never deleted: the pages show
the history from its dates and status. Every step is audited.

Links never make a cycle (a network cannot be above itself), and they nest at most
`MOST_LINKS_DEEP` links from top to bottom (what networks/access.py follows when it reads through
them): both are checked when a network is invited and again when it accepts, because other links
may have been made in between.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.networks.access import descendant_ids
from kindred.networks.models import MOST_LINKS_DEEP, Network, NetworkLink


def _levels_below(network: Network) -> int:
    """How many levels of member networks hang below `network` (0: none)."""
    levels, below, seen = 0, [network.pk], {network.pk}
    while below and levels <= MOST_LINKS_DEEP:
        below = [
            pk
            for pk in NetworkLink.objects.active()
            .filter(parent_id__in=below)
            .values_list("member_id", flat=True)
            if pk not in seen
        ]
        seen.update(below)
        levels += 1 if below else 0
    return levels


def _levels_above(network: Network) -> int:
    """How many levels of communities of communities stand above `network` (0: none)."""
    levels, above, seen = 0, [network.pk], {network.pk}
    while above and levels <= MOST_LINKS_DEEP:
        above = [
            pk
            for pk in NetworkLink.objects.active()
            .filter(member_id__in=above)
            .values_list("parent_id", flat=True)
            if pk not in seen
        ]
        seen.update(above)
        levels += 1 if above else 0
    return levels


def _check_link(*, parent: Network, member: Network) -> None:
    """Every refusal, with the reason, before anything is written."""
    if parent.kind != Network.Kind.NETWORKS:
        raise ValidationError(
            _("Only a community of communities has member networks; %(network)s is not one.")
            % {"network": parent.display_name}
        )
    if parent.pk == member.pk:
        raise ValidationError(_("A community of communities cannot be a member of itself."))
    for network in (parent, member):
        if network.status == Network.Status.CLOSED:
            raise ValidationError(_("%(network)s is closed.") % {"network": network.display_name})
    if parent.pk in descendant_ids(member):
        raise ValidationError(
            _("%(member)s is already above %(parent)s: a network cannot be above itself.")
            % {"member": member.display_name, "parent": parent.display_name}
        )
    if _levels_above(parent) + 1 + _levels_below(member) > MOST_LINKS_DEEP:
        raise ValidationError(
            _("Communities of communities nest at most %(n)d levels deep; this would make more.")
            % {"n": MOST_LINKS_DEEP}
        )


@transaction.atomic
def link_invite(
    *, parent: Network, member: Network, by: User | None, message: str = "", at: datetime | None = None
) -> NetworkLink:
    """The coordinators of a community of communities invite a network to be one of its members."""
    _check_link(parent=parent, member=member)
    open_link = NetworkLink.objects.open().filter(parent=parent, member=member).first()
    if open_link is not None:
        raise ValidationError(
            (
                _("%(member)s is already a member of %(parent)s.")
                if open_link.is_active
                else _("%(member)s is already invited to %(parent)s.")
            )
            % {"member": member.display_name, "parent": parent.display_name}
        )
    link = NetworkLink.objects.create(
        parent=parent,
        member=member,
        message=(message or "").strip()[:500],
        invited_by=by,
        invited_at=at or timezone.now(),
    )
    audit(by, "network_link.invited", link, parent=parent.pk, member=member.pk)
    return link


@transaction.atomic
def link_decide(
    *, link: NetworkLink, accept: bool, by: User | None, at: datetime | None = None
) -> NetworkLink:
    """The invited network's coordinators accept (it becomes a member) or decline."""
    link = NetworkLink.objects.select_for_update().select_related("parent", "member").get(pk=link.pk)
    if link.status != NetworkLink.Status.INVITED:
        raise ValidationError(_("This has already been decided."))
    if accept:
        _check_link(parent=link.parent, member=link.member)
    link.status = NetworkLink.Status.ACTIVE if accept else NetworkLink.Status.DECLINED
    link.decided_by = by
    link.decided_at = at or timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"])
    audit(
        by,
        "network_link.accepted" if accept else "network_link.declined",
        link,
        parent=link.parent_id,
        member=link.member_id,
    )
    return link


@transaction.atomic
def link_end(
    *, link: NetworkLink, by: User | None, reason: str = "", at: datetime | None = None
) -> NetworkLink:
    """Withdraw an invitation (no reason needed), or end a membership with a reason (kept in its
    history): the coordinators of either side."""
    link = NetworkLink.objects.select_for_update().select_related("parent", "member").get(pk=link.pk)
    reason = (reason or "").strip()
    now = at or timezone.now()
    if link.status == NetworkLink.Status.INVITED:
        link.status = NetworkLink.Status.WITHDRAWN
        link.decided_by = by
        link.decided_at = now
        link.save(update_fields=["status", "decided_by", "decided_at"])
        audit(by, "network_link.withdrawn", link, parent=link.parent_id, member=link.member_id)
        return link
    if link.status != NetworkLink.Status.ACTIVE:
        raise ValidationError(_("This has already ended."))
    if not reason:
        raise ValidationError(_("Say why the network leaves; the reason is kept in the history."))
    if len(reason) > 500:
        raise ValidationError(_("A reason may be at most 500 characters."))
    link.status = NetworkLink.Status.ENDED
    link.ended_by = by
    link.ended_at = now
    link.end_reason = reason
    link.save(update_fields=["status", "ended_by", "ended_at", "end_reason"])
    audit(by, "network_link.ended", link, parent=link.parent_id, member=link.member_id, reason=reason)
    return link
