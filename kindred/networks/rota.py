"""Writes for the rota: generate a school year's turns, re-balance, swap, skip, block dates.

The fairness rules live in `kindred.engine.rota`; this module loads counts and constraints from
the database, calls the engine, and writes turns. A turn dated before today is held: it is
never passed to the engine as movable, so nothing here can move it.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.engine.rota import RotaInfeasible, host_and_chair
from kindred.networks.models import Network, RotaBlockedDate, RotaTurn
from kindred.schools.models import School


def _member_ids(network: Network) -> list[int]:
    return list(network.memberships.active().order_by("joined_at", "pk").values_list("school_id", flat=True))


def _infeasible_error(error: RotaInfeasible) -> ValidationError:
    return ValidationError(
        _("No member school can take %(dates)s: unblock a date or move the meeting.")
        % {"dates": ", ".join(d.isoformat() for d in error.dates)}
    )


def _plan(
    network: Network, dates: Sequence[date], *, keep: list[RotaTurn], today: date | None = None
) -> dict[str, dict[date, int]]:
    """Host and chair for `dates`, counting every turn held so far (all years) as past turns."""
    members = _member_ids(network)
    today = today or timezone.localdate()
    held = network.rota_turns.filter(date__lt=today, school_id__in=members)
    past = {duty: Counter() for duty in RotaTurn.Duty.values}
    for duty, school_id in held.values_list("duty", "school_id"):
        past[duty][school_id] += 1
    blocked = set(network.blocked_dates.filter(date__in=dates).values_list("school_id", "date"))
    keep_by_duty = {
        duty: {t.date: t.school_id for t in keep if t.duty == duty} for duty in RotaTurn.Duty.values
    }
    try:
        rota = host_and_chair(
            dates,
            members,
            past_host=past[RotaTurn.Duty.HOST],
            past_chair=past[RotaTurn.Duty.CHAIR],
            blocked=blocked,
            keep_host=keep_by_duty[RotaTurn.Duty.HOST],
            keep_chair=keep_by_duty[RotaTurn.Duty.CHAIR],
        )
    except RotaInfeasible as error:
        raise _infeasible_error(error) from error
    return {RotaTurn.Duty.HOST: rota.host, RotaTurn.Duty.CHAIR: rota.chair}


def _write(network: Network, school_year: int, plan: dict[str, dict[date, int]]) -> list[RotaTurn]:
    turns = [
        RotaTurn(network=network, school_year=school_year, date=d, duty=duty, school_id=school_id)
        for duty, by_date in plan.items()
        for d, school_id in by_date.items()
    ]
    return RotaTurn.objects.bulk_create(turns)


@transaction.atomic
def rota_generate(
    *, network: Network, school_year: int, dates: Sequence[date], by: User | None, today: date | None = None
) -> list[RotaTurn]:
    """A fair rota of hosts and chairs for the meetings on `dates` in `school_year`.

    Replaces the year's turns that are not yet held; dates before today are refused. `today`
    records a rota as it was made on an earlier day (importing a network's history).
    """
    today = today or timezone.localdate()
    dates = sorted(set(dates))
    if not dates:
        raise ValidationError(_("Give at least one meeting date."))
    if dates[0] < today:
        raise ValidationError(_("Meeting dates must be today or later; held turns cannot be planned again."))
    if not _member_ids(network):
        raise ValidationError(_("The network has no member schools to take turns."))
    held_dates = set(network.rota_turns.filter(date__lt=today).values_list("date", flat=True))
    if held_dates & set(dates):
        raise ValidationError(_("A turn on that date has already been held."))
    upcoming = network.rota_turns.filter(school_year=school_year, date__gte=today)
    keep = list(upcoming)
    plan = _plan(network, dates, keep=keep, today=today)
    upcoming.delete()
    turns = _write(network, school_year, plan)
    audit(by, "rota.generated", network, school_year=school_year, meetings=len(dates))
    return turns


@transaction.atomic
def rota_rebalance(*, network: Network, by: User | None) -> int:
    """Re-plan every upcoming turn after a member change, keeping planned turns where balance
    allows and never touching held ones. Returns how many turns changed school."""
    today = timezone.localdate()
    upcoming = list(network.rota_turns.filter(date__gte=today))
    if not upcoming:
        return 0
    if not _member_ids(network):
        network.rota_turns.filter(date__gte=today).delete()
        audit(by, "rota.rebalanced", network, changed=len(upcoming))
        return len(upcoming)
    plan = _plan(network, sorted({t.date for t in upcoming}), keep=upcoming)
    changed = 0
    for turn in upcoming:
        school_id = plan[turn.duty][turn.date]
        if school_id != turn.school_id:
            turn.school_id = school_id
            changed += 1
    RotaTurn.objects.bulk_update(upcoming, ["school"])
    audit(by, "rota.rebalanced", network, changed=changed)
    return changed


def _check_upcoming(turn: RotaTurn) -> None:
    if turn.is_held:
        raise ValidationError(
            _("The turn on %(date)s has been held and cannot change.") % {"date": turn.date}
        )


@transaction.atomic
def rota_swap(*, turn: RotaTurn, other: RotaTurn, by: User) -> None:
    """Two upcoming turns of the same duty exchange schools."""
    if turn.network_id != other.network_id or turn.duty != other.duty or turn.pk == other.pk:
        raise ValidationError(_("Choose two different turns of the same duty in the same network."))
    _check_upcoming(turn)
    _check_upcoming(other)
    blocked = set(
        RotaBlockedDate.objects.filter(
            network_id=turn.network_id, date__in=[turn.date, other.date]
        ).values_list("school_id", "date")
    )
    if (other.school_id, turn.date) in blocked or (turn.school_id, other.date) in blocked:
        raise ValidationError(_("One of the schools cannot do the other date."))
    turn.school_id, other.school_id = other.school_id, turn.school_id
    RotaTurn.objects.bulk_update([turn, other], ["school"])
    audit(by, "rota.swapped", turn.network, turns=[turn.pk, other.pk])


@transaction.atomic
def rota_skip(*, turn: RotaTurn, by: User, reason: str = "") -> RotaTurn:
    """The school passes its upcoming turn: the date is blocked for it and the rota re-balanced,
    so the turn goes to another school and the passing school makes it up later in fairness."""
    _check_upcoming(turn)
    school = turn.school
    RotaBlockedDate.objects.get_or_create(
        network_id=turn.network_id,
        school=school,
        date=turn.date,
        defaults={"reason": reason.strip()[:200] or _("Passed its turn")},
    )
    audit(by, "rota.skipped", turn.network, turn=turn.pk, school=school.pk, date=turn.date.isoformat())
    rota_rebalance(network=turn.network, by=by)
    turn.refresh_from_db()
    return turn


@transaction.atomic
def rota_block_date(
    *, network: Network, school: School, date: date, reason: str, by: User
) -> RotaBlockedDate:
    """A member school cannot host or chair on `date`; upcoming turns are re-balanced around it."""
    if not network.memberships.active().filter(school=school).exists():
        raise ValidationError(_("%(school)s is not a member of this network.") % {"school": school.name})
    if date < timezone.localdate():
        raise ValidationError(_("That date has passed."))
    blocked, created = RotaBlockedDate.objects.get_or_create(
        network=network, school=school, date=date, defaults={"reason": reason.strip()[:200]}
    )
    if created:
        audit(by, "rota.date_blocked", network, school=school.pk, date=date.isoformat())
        rota_rebalance(network=network, by=by)
    return blocked
