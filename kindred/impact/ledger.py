"""The participation ledger: who took part in what, from what Kindred already records.

For one network or for a programme's networks together (`ledger(networks=...)`), per school that was
ever a member: its spells of membership and the days they cover (days in two networks at once count
once), the events it hosted (a visit to a school is an event hosted there; cancelled ones left out),
the places its staff and pupils used at those networks' events (attendance as recorded; a registration
with no attendance recorded is not counted as used), the posts its staff wrote on the networks' boards
(deleted ones left out) and the plan actions it owns that are done. A staff registration or a post
counts for the school its author works at (the first, for someone at several of the schools).

Over time (`Ledger.years`), the same counts by school year (the country's: 2019 is 2019/20): an
event by the year it starts, a post by the year it was written, a plan action by the year it was
first reported done (or, with no report, its due day; with neither, it is left out of the years),
and the schools taking part in a year as those with a membership spell overlapping it.

Mentoring partnerships (`Ledger.partnerships`): the networks of kind partnership, with their mentor
and mentee schools, when the partnership started and ended and the days it ran.
Nothing here is estimated: these are counts.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Min, Q
from django.utils import timezone

from kindred import countries
from kindred.accounts.models import SchoolStaff
from kindred.board.models import Post
from kindred.events.models import Event, Registration
from kindred.networks.models import Membership, Network
from kindred.plans.models import Action
from kindred.schools.models import School

COUNTS = ("events_hosted", "staff_places_used", "pupils_attended", "posts", "actions_done")


@dataclass
class SchoolParticipation:
    school: School
    first_joined: datetime
    left: datetime | None  # None while a member
    days_member: int
    events_hosted: int = 0
    staff_places_used: int = 0
    pupils_attended: int = 0
    posts: int = 0
    actions_done: int = 0


@dataclass
class YearParticipation:
    """One school year's participation over the ledger's networks."""

    year: int
    schools: int = 0
    events_hosted: int = 0
    staff_places_used: int = 0
    pupils_attended: int = 0
    posts: int = 0
    actions_done: int = 0


@dataclass(frozen=True)
class Partnership:
    network: Network
    mentors: tuple[School, ...]
    mentees: tuple[School, ...]
    started: datetime
    ended: datetime | None
    days: int


@dataclass
class Ledger:
    schools: list[SchoolParticipation] = field(default_factory=list)
    years: list[YearParticipation] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    #: distinct staff who used a place at an event or wrote a post (the teachers reached)
    teachers: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.schools)

    @property
    def totals(self) -> dict[str, int]:
        return {name: self.total(name) for name in COUNTS}


def _days_covered(spells: list[Membership], now: datetime) -> int:
    """Days covered by the spells, a day in two spells counted once."""
    days, reach = 0, None
    for start, end in sorted((m.joined_at, m.left_at or now) for m in spells):
        if reach is not None and start < reach:
            start = reach
        if end > start:
            days += (end - start).days
        reach = end if reach is None else max(reach, end)
    return days


def network_ledger(*, network: Network) -> Ledger:
    """Every school that was ever a member of `network`, with what it took part in."""
    return ledger(networks=[network])


def ledger(*, networks: Sequence[Network]) -> Ledger:
    """Every school that was ever a member of one of `networks`, with what it took part in (a few queries)."""
    now = timezone.now()
    year_of = countries.profile().school_year_of
    spells: dict[int, list[Membership]] = defaultdict(list)
    schools: dict[int, School] = {}
    memberships = list(
        Membership.objects.filter(network__in=networks).select_related("school").order_by("joined_at")
    )
    for membership in memberships:
        spells[membership.school_id].append(membership)
        schools[membership.school_id] = membership.school
    if not schools:
        return Ledger()
    staff_school: dict[int, int] = {}
    for user_id, school_id in (
        SchoolStaff.objects.filter(school__in=schools)
        .order_by("school_id")
        .values_list("user_id", "school_id")
    ):
        staff_school.setdefault(user_id, school_id)
    rows = {}
    years: dict[int, YearParticipation] = {}

    def at(y: int) -> YearParticipation:
        if y not in years:
            years[y] = YearParticipation(y)
        return years[y]

    def year(day: date) -> YearParticipation:
        return at(year_of(day))

    for school_id, school_spells in spells.items():
        active = [m for m in school_spells if m.left_at is None]
        rows[school_id] = SchoolParticipation(
            school=schools[school_id],
            first_joined=school_spells[0].joined_at,
            left=None if active else max(m.left_at for m in school_spells if m.left_at),
            days_member=_days_covered(school_spells, now),
        )
        taking_part = set()
        for m in school_spells:
            first = year_of(timezone.localdate(m.joined_at))
            last = year_of(timezone.localdate(m.left_at or now))
            taking_part.update(range(first, last + 1))
        for y in taking_part:
            at(y).schools += 1

    events = Event.objects.filter(network__in=networks).exclude(status=Event.Status.CANCELLED)
    for host, starts in events.filter(host_school__in=schools).values_list("host_school", "starts_at"):
        rows[host].events_hosted += 1
        year(timezone.localdate(starts)).events_hosted += 1
    used = Registration.objects.filter(event__network__in=networks, attended__isnull=False).exclude(
        status=Registration.Status.CANCELLED
    )
    for school_id, when, pupils in used.filter(school__in=schools, pupils__gt=0).values_list(
        "school", "occurrence_start", "attended"
    ):
        rows[school_id].pupils_attended += pupils or 0
        year(timezone.localdate(when)).pupils_attended += pupils or 0
    teachers = set()
    for user_id, when, places in used.filter(Q(pupils=0)).values_list("user", "occurrence_start", "attended"):
        if user_id in staff_school and places:
            rows[staff_school[user_id]].staff_places_used += places
            year(timezone.localdate(when)).staff_places_used += places
            teachers.add(user_id)
    posts = Post.objects.filter(network__in=networks, deleted_at__isnull=True, author__isnull=False)
    for user_id, when in posts.values_list("author", "created_at"):
        if user_id in staff_school:
            rows[staff_school[user_id]].posts += 1
            year(timezone.localdate(when)).posts += 1
            teachers.add(user_id)
    done = Action.objects.filter(
        priority__plan__network__in=networks, status=Action.Status.DONE, owner_school__in=schools
    ).annotate(reported=Min("updates__created_at", filter=Q(updates__status=Action.Status.DONE)))
    for school_id, reported, due in done.values_list("owner_school", "reported", "due_on"):
        rows[school_id].actions_done += 1
        day = timezone.localdate(reported) if reported is not None else due
        if day is not None:
            year(day).actions_done += 1
    return Ledger(
        schools=sorted(rows.values(), key=lambda r: (r.first_joined, r.school.name)),
        years=[years[y] for y in sorted(years)],
        partnerships=_partnerships(networks, memberships, now),
        teachers=len(teachers),
    )


def _partnerships(
    networks: Sequence[Network], memberships: list[Membership], now: datetime
) -> list[Partnership]:
    by_network: dict[int, list[Membership]] = defaultdict(list)
    for m in memberships:
        by_network[m.network_id].append(m)
    found = []
    for network in networks:
        spells = by_network.get(network.pk, [])
        if network.kind != Network.Kind.PARTNERSHIP or not spells:
            continue
        started = min(m.joined_at for m in spells)
        open_spells = [m for m in spells if m.left_at is None]
        ended = None if open_spells else max(m.left_at for m in spells if m.left_at)
        found.append(
            Partnership(
                network=network,
                mentors=tuple(m.school for m in spells if m.role == Membership.Role.MENTOR),
                mentees=tuple(m.school for m in spells if m.role == Membership.Role.MENTEE),
                started=started,
                ended=ended,
                days=((ended or now) - started).days,
            )
        )
    return sorted(found, key=lambda p: p.started)
