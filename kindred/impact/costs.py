"""What a programme and each of its networks cost: money entered, and staff time counted from attendance.

Money: the `Cost` rows a programme's leaders entered — on the programme as a whole, on one of its
networks, or on one of their events (an event's cost counts for its network too).

Staff time: every staff place used at a (not cancelled) event of the programme's networks — attendance as
recorded, as the participation ledger counts it — times the event's length in hours (a visit to a school
is an event hosted there, so its hours come the same way). An hour is valued by what an hour of the
person's role at their school costs (`STAFF_HOUR_COSTS`; a person at several of the schools counts for
the first, as in the ledger). Pupils' time is not costed. A recurring event's occurrences count with the
length of the series' first.

Per school, per teacher and per pupil reached divide the total (money and staff time) by the schools that
were ever members, the staff who used a place or wrote a post, and the pupils who attended.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from kindred.accounts.models import SchoolStaff
from kindred.board.models import Post
from kindred.events.models import Event, Registration
from kindred.impact.models import Cost, Programme
from kindred.networks.models import Membership, Network


@dataclass
class CostSummary:
    """What one unit (a network, or the whole programme) cost, and how many it reached."""

    money: Decimal = Decimal(0)
    staff_hours: float = 0.0
    staff_time: Decimal = Decimal(0)
    schools: int = 0
    teachers: int = 0
    pupils: int = 0

    @property
    def total(self) -> Decimal:
        return self.money + self.staff_time

    def _per(self, count: int | float) -> Decimal | None:
        return None if not count else (self.total / Decimal(str(count))).quantize(Decimal("0.01"))

    @property
    def per_school(self) -> Decimal | None:
        return self._per(self.schools)

    @property
    def per_teacher(self) -> Decimal | None:
        return self._per(self.teachers)

    @property
    def per_pupil(self) -> Decimal | None:
        return self._per(self.pupils)

    @property
    def per_teacher_hour(self) -> Decimal | None:
        return self._per(self.staff_hours)


@dataclass(frozen=True)
class EventCost:
    event: Event
    staff_hours: float
    staff_time: Decimal
    money: Decimal


@dataclass
class ProgrammeCosts:
    programme: CostSummary
    networks: dict[int, CostSummary] = field(default_factory=dict)
    events: list[EventCost] = field(default_factory=list)
    entered: list[Cost] = field(default_factory=list)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def programme_costs(*, programme: Programme, networks: Sequence[Network] | None = None) -> ProgrammeCosts:
    """The programme's costs, in total and per network and per event with a cost (a few queries)."""
    networks = list(programme.networks.all()) if networks is None else list(networks)
    rates = settings.STAFF_HOUR_COSTS
    summaries = {n.pk: CostSummary() for n in networks}
    total = CostSummary()
    member_rows = (
        Membership.objects.filter(network__in=networks).values_list("network_id", "school_id").distinct()
    )
    schools_of: dict[int, set[int]] = defaultdict(set)
    for network_id, school_id in member_rows:
        schools_of[network_id].add(school_id)
    every_school = set().union(*schools_of.values()) if schools_of else set()
    role_of: dict[int, tuple[int, str]] = {}
    for user_id, school_id, role in (
        SchoolStaff.objects.filter(school__in=every_school)
        .order_by("school_id")
        .values_list("user_id", "school_id", "role")
    ):
        role_of.setdefault(user_id, (school_id, role))

    events = {
        e.pk: e
        for e in Event.objects.filter(network__in=networks)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("network")
    }
    hours_of = {pk: max((e.ends_at - e.starts_at).total_seconds() / 3600, 0.0) for pk, e in events.items()}
    event_hours: dict[int, float] = defaultdict(float)
    event_value: dict[int, float] = defaultdict(float)
    teachers: dict[int, set[int]] = defaultdict(set)
    pupils: dict[int, int] = defaultdict(int)
    used = Registration.objects.filter(event__in=events, attended__isnull=False).exclude(
        status=Registration.Status.CANCELLED
    )
    for event_id, user_id, school_id, count, pupil_count in used.values_list(
        "event_id", "user_id", "school_id", "attended", "pupils"
    ):
        network_id = events[event_id].network_id
        if pupil_count:
            if school_id in every_school:
                pupils[network_id] += count or 0
            continue
        if user_id not in role_of or not count:
            continue
        hours = count * hours_of[event_id]
        event_hours[event_id] += hours
        event_value[event_id] += hours * rates.get(role_of[user_id][1], 0.0)
        teachers[network_id].add(user_id)
    for network_id, author in (
        Post.objects.filter(network__in=networks, deleted_at__isnull=True, author__isnull=False)
        .values_list("network_id", "author_id")
        .distinct()
    ):
        if author in role_of:
            teachers[network_id].add(author)

    entered = list(
        Cost.objects.filter(programme=programme).select_related("network", "event").order_by("spent_on", "pk")
    )
    event_money: dict[int, Decimal] = defaultdict(Decimal)
    for cost in entered:
        total.money += cost.amount
        if cost.network_id in summaries:
            summaries[cost.network_id].money += cost.amount
        if cost.event_id is not None:
            event_money[cost.event_id] += cost.amount

    for event_id, event in events.items():
        summary = summaries[event.network_id]
        summary.staff_hours += event_hours[event_id]
        summary.staff_time += _money(event_value[event_id])
    for network_id, summary in summaries.items():
        summary.schools = len(schools_of[network_id])
        summary.teachers = len(teachers[network_id])
        summary.pupils = pupils[network_id]
        total.staff_hours += summary.staff_hours
        total.staff_time += summary.staff_time
        total.pupils += summary.pupils
    total.schools = len(every_school)
    total.teachers = len(set().union(*teachers.values())) if teachers else 0
    costed = [
        EventCost(
            event=events[pk],
            staff_hours=event_hours[pk],
            staff_time=_money(event_value[pk]),
            money=event_money[pk],
        )
        for pk in sorted(
            set(event_hours) | set(event_money) & set(events), key=lambda pk: events[pk].starts_at
        )
        if event_hours[pk] or event_money[pk]
    ]
    return ProgrammeCosts(programme=total, networks=summaries, events=costed, entered=entered)
