"""Reads: occurrences of many events in a window (calendars, feeds), clashes, registrations."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse

from kindred import countries
from kindred.accounts.models import Organisation, SchoolStaff, User
from kindred.engine import recurrence, terms
from kindred.events.access import events_visible_q
from kindred.events.models import SKIP_FORMAT, Event, OccurrenceChange, Registration, TermPeriod
from kindred.networks.access import ancestor_ids, reached_network_ids
from kindred.networks.models import Network
from kindred.schools.models import Region, School

# An occurrence in a URL (`?at=`): its original start in UTC.
KEY_FORMAT = "%Y%m%dT%H%M%SZ"


def occurrence_key(when: datetime) -> str:
    return when.astimezone(UTC).strftime(KEY_FORMAT)


def occurrence_url(event_pk: int, occurrence: recurrence.Occurrence) -> str:
    """The event's page at this occurrence (its registrations, its own changes)."""
    return reverse("events:detail", args=[event_pk]) + f"?at={occurrence_key(occurrence.original_start)}"


@dataclass(frozen=True)
class EventSummary:
    """What a calendar needs of an event: loaded as plain rows, not model instances, for speed."""

    pk: int
    title: str
    kind: str
    status: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    rrule: str
    holiday_skips: list[str]
    host_name: str | None


@dataclass(frozen=True)
class CalendarEntry:
    event: EventSummary | Event
    occurrence: recurrence.Occurrence


def in_window_q(window_start: datetime, window_end: datetime) -> Q:
    """Events with an occurrence that may overlap the window (moved occurrences are found by their changes)."""
    moved_in = OccurrenceChange.objects.filter(starts_at__lt=window_end, ends_at__gt=window_start).values(
        "event_id"
    )
    return (
        Q(starts_at__lt=window_end) & (Q(series_ends_at__gt=window_start) | Q(series_ends_at__isnull=True))
    ) | Q(pk__in=moved_in)


# What a calendar shows of an event, in EventSummary's order.
CALENDAR_FIELDS = (
    "pk",
    "title",
    "kind",
    "status",
    "starts_at",
    "ends_at",
    "time_zone",
    "rrule",
    "holiday_skips",
    "host_name",
)


def _host_name() -> Subquery:
    """The host school's name, looked up for each event shown: a join (`host_school__name`) let
    PostgreSQL hash every school in the country (38,000) to name the two events of someone's week."""
    return Subquery(School.objects.filter(pk=OuterRef("host_school_id")).values("name")[:1])


def skipped_starts(event: Event | EventSummary) -> frozenset[datetime]:
    """The original starts of the series left out for the school holidays."""
    return frozenset(
        datetime.strptime(key, SKIP_FORMAT).replace(tzinfo=UTC) for key in event.holiday_skips or ()
    )


def school_calendar(*, local_authority_id: int | None, country: str | None = None) -> terms.SchoolCalendar:
    """The terms and holidays that apply to an authority's schools: the authority's own where it has
    any, else its country's (the country profile in use, unless another is named)."""
    periods = TermPeriod.objects.filter(country=country or countries.profile().code)
    own = periods.filter(local_authority_id=local_authority_id) if local_authority_id else periods.none()
    chosen = own if own.exists() else periods.filter(local_authority__isnull=True)
    rows = list(chosen.values_list("kind", "starts_on", "ends_on"))
    return terms.SchoolCalendar(
        terms=[terms.Period(a, b) for kind, a, b in rows if kind == TermPeriod.Kind.TERM],
        holidays=[terms.Period(a, b) for kind, a, b in rows if kind == TermPeriod.Kind.HOLIDAY],
    )


def owner_country(owner: dict) -> str | None:
    """The country of what an event is for, where one is known: a school's, a region's, a network's
    whose schools are all of one country (several countries in one installation); None otherwise
    (then the installation's default applies)."""
    if owner.get("school") is not None:
        return countries.held(owner["school"].country_code)
    if owner.get("region") is not None:
        return countries.held(owner["region"].country_code)
    if owner.get("network") is not None and countries.several():
        found = list(
            School.objects.filter(
                network_memberships__network=owner["network"], network_memberships__left_at__isnull=True
            )
            .values_list("country_code", flat=True)
            .distinct()[:2]
        )
        return countries.held(found[0]) if len(found) == 1 else None
    return None


def event_country(event: Event) -> str | None:
    """Whose country's term dates an event follows: its host school's, else its own school's, else
    its region's; None for the installation's default."""
    for school in (event.host_school, event.school):
        if school is not None:
            return countries.held(school.country_code)
    region = event.region if event.region_id else None
    return countries.held(region.country_code) if region is not None else None


def event_authority_id(event: Event) -> int | None:
    """Whose term dates an event follows: its host school's authority, else its own school's."""
    for school in (event.host_school, event.school):
        if school is not None and school.local_authority_id:
            return school.local_authority_id
    return None


def holiday_skips(event: Event, *, keep: Iterable[datetime] = ()) -> list[str]:
    """The original starts of the event's series that fall out of term (`terms.SchoolCalendar`), as
    stored in Event.holiday_skips; never those in `keep` (dates that have registrations or changes)."""
    if not event.rrule or not event.skip_holidays:
        return []
    calendar = school_calendar(local_authority_id=event_authority_id(event), country=event_country(event))
    if calendar.known_until is None:
        return []
    tz = recurrence.zone(event.time_zone)
    window_end = recurrence.as_utc(calendar.known_until + timedelta(days=1), event.time_zone)
    kept = set(keep)
    found = recurrence.expand(
        start=event.starts_at,
        end=event.ends_at,
        tz_name=event.time_zone,
        rule=event.rrule,
        window_start=event.starts_at,
        window_end=window_end,
        limit=100_000,
    )
    return [
        o.original_start.strftime(SKIP_FORMAT)
        for o in found
        if o.original_start not in kept and calendar.out_of_term(o.original_start.astimezone(tz).date())
    ]


def changes_by_event(events: Iterable[Event | EventSummary]) -> dict[int, dict[datetime, recurrence.Change]]:
    recurring = [e.pk for e in events if e.rrule]
    found: dict[int, dict[datetime, recurrence.Change]] = defaultdict(dict)
    if recurring:
        rows = OccurrenceChange.objects.filter(event_id__in=recurring).values_list(
            "event_id", "original_start", "cancelled", "starts_at", "ends_at"
        )
        for event_id, original, cancelled, start, end in rows:
            found[event_id][original] = recurrence.Change(cancelled=cancelled, start=start, end=end)
    return found


def occurrences(
    event: Event | EventSummary, *, window_start: datetime, window_end: datetime, changes=None
) -> list:
    """The event's occurrences in the window, cancelled ones marked, school holidays left out."""
    if changes is None:
        changes = changes_by_event([event]).get(event.pk, {})
    return recurrence.expand(
        start=event.starts_at,
        end=event.ends_at,
        tz_name=event.time_zone,
        rule=event.rrule,
        window_start=window_start,
        window_end=window_end,
        changes=changes,
        skipped=skipped_starts(event),
    )


def entries(events: QuerySet[Event], *, window_start: datetime, window_end: datetime) -> list[CalendarEntry]:
    """Every occurrence of `events` in the window, in time order, cancelled ones marked (two queries)."""
    rows = [
        EventSummary(*row)
        for row in events.filter(in_window_q(window_start, window_end))
        .annotate(host_name=_host_name())
        .values_list(*CALENDAR_FIELDS)
    ]
    changes = changes_by_event(rows)
    found = []
    for event in rows:
        if not event.rrule:  # most events happen once: no expansion needed
            if event.ends_at > window_start and event.starts_at < window_end:
                found.append(
                    CalendarEntry(
                        event, recurrence.Occurrence(event.starts_at, event.starts_at, event.ends_at)
                    )
                )
            continue
        found.extend(
            CalendarEntry(event, occurrence)
            for occurrence in occurrences(
                event, window_start=window_start, window_end=window_end, changes=changes.get(event.pk, {})
            )
        )
    found.sort(key=lambda e: (e.occurrence.start, e.event.title, e.event.pk))
    return found


def filtered(events: QuerySet[Event], *, kind: str = "", audience: str = "") -> QuerySet[Event]:
    if kind:
        events = events.filter(kind=kind)
    if audience == "pupils":
        events = events.filter(for_pupils=True)
    elif audience == "staff":
        events = events.exclude(staff_roles=[])
    return events


def region_events(user: User, region) -> QuerySet[Event]:
    """A region's calendar: its own events, its networks', and its schools' (those `user` may see)."""
    # Subqueries, not joins to networks and schools: each event in the month is checked against its
    # own network and school (by primary key), rather than every school in the country read and
    # hashed to match a few hundred events (issue #26).
    return Event.objects.filter(events_visible_q(user)).filter(
        Q(region=region)
        | Q(network_id__in=Network.objects.filter(region=region).values("pk"))
        | Q(Exists(School.objects.filter(pk=OuterRef("school_id"), region=region)))
    )


def network_events(network) -> QuerySet[Event]:
    """A network's calendar: its own events and those of the communities of communities it is a
    member of, at every level (their events are shared with every member network). Filter it by
    `events_visible_q` for the reader."""
    return Event.objects.filter(Q(network=network) | Q(network_id__in=ancestor_ids(network)))


def person_events(user: User) -> QuerySet[Event]:
    """A person's calendar: events of their networks (and of the communities of communities above
    them, whose events are shared with every member network: issue 23, item 5), their schools, their
    region, and those they registered for."""
    school_ids = SchoolStaff.objects.filter(user=user).values("school_id")
    region_ids = SchoolStaff.objects.filter(user=user).values("school__region_id")
    registered = Registration.objects.active().filter(user=user).values("event_id")
    return Event.objects.filter(
        Q(network_id__in=reached_network_ids(user))
        | Q(school_id__in=school_ids)
        | Q(region_id__in=region_ids)
        | Q(pk__in=registered)
    )


def week_ahead(user: User, *, now: datetime) -> list[CalendarEntry]:
    """The occurrences in the seven days from `now` of the events on `user`'s calendar that they may
    see, cancelled ones left out (the home page's "events this week")."""
    events = person_events(user).filter(events_visible_q(user)).filter(status=Event.Status.SCHEDULED)
    return [
        entry
        for entry in entries(events, window_start=now, window_end=now + timedelta(days=7))
        if not entry.occurrence.cancelled
    ]


def host_clashes(event: Event, *, horizon_days: int = 366) -> list[tuple[CalendarEntry, CalendarEntry]]:
    """Pairs (this event's occurrence, another event's occurrence) when its host school would host both at once."""
    if not event.host_school_id:
        return []
    start = event.starts_at
    end = event.series_ends_at or (start + timedelta(days=horizon_days))
    mine = [
        CalendarEntry(event, o)
        for o in occurrences(event, window_start=start, window_end=end)
        if not o.cancelled
    ]
    if not mine:
        return []
    others = entries(
        Event.objects.filter(host_school_id=event.host_school_id, status=Event.Status.SCHEDULED).exclude(
            pk=event.pk
        ),
        window_start=start,
        window_end=end,
    )
    clashes = []
    for other in others:
        if other.occurrence.cancelled:
            continue
        for entry in mine:
            if (
                entry.occurrence.start < other.occurrence.end
                and other.occurrence.start < entry.occurrence.end
            ):
                clashes.append((entry, other))
    return clashes


def places_taken(event: Event, occurrence_start: datetime) -> int:
    return (
        Registration.objects.filter(
            event=event, occurrence_start=occurrence_start, status=Registration.Status.CONFIRMED
        ).aggregate(total=Sum("places"))["total"]
        or 0
    )


def occurrence_registrations(event: Event, occurrence_start: datetime) -> QuerySet[Registration]:
    return (
        Registration.objects.active()
        .filter(event=event, occurrence_start=occurrence_start)
        .select_related("user", "school")
        .order_by("created_at", "pk")
    )


def registrations_seen_by(
    user: User, event: Event, *, organiser: bool, cancelled: bool = False
) -> QuerySet[Registration]:
    """The active registrations of `event` (every date) that its page shows `user`, who may see the
    event: every one to its organisers (`organiser`: `access.sees_every_registration`, the page's
    "Who is coming"), else only `user`'s own (their place, the groups of pupils they registered).
    With `cancelled`, the cancelled ones as well (the API's incremental sync learns of them so)."""
    registrations = Registration.objects.all() if cancelled else Registration.objects.active()
    registrations = registrations.filter(event=event).select_related("user", "school")
    if organiser:
        return registrations
    return registrations.filter(user=user)


def my_registrations(user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.active()
        .filter(user=user)
        .select_related("event", "school")
        .order_by("occurrence_start")
    )


def event_host_organisations(network: Network) -> QuerySet[Organisation]:
    """The partner organisations that may host `network`'s events: those with a person holding an
    active partner, expert or facilitator role in it (issue 23, item 4)."""
    return (
        Organisation.objects.filter(network_roles__network=network, network_roles__ended_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def event_hosts(
    *, network: Network | None = None, school: School | None = None, region: Region | None = None
) -> QuerySet[School]:
    """The schools that may host a new event of its owner (the new-event form's choices): a
    network's current member schools, the school itself, or a region's schools."""
    if network is not None:
        return School.objects.filter(
            network_memberships__network=network, network_memberships__left_at__isnull=True
        )
    if school is not None:
        return School.objects.filter(pk=school.pk)
    return School.objects.filter(region=region).order_by("name")


def organisation_events(user: User, organisation: Organisation, *, now: datetime) -> list[CalendarEntry]:
    """The next occurrences (a year ahead) of the events `organisation` hosts that `user` may see
    (the organisation's page), cancelled ones left out."""
    events = Event.objects.filter(events_visible_q(user)).filter(
        host_organisation=organisation, status=Event.Status.SCHEDULED
    )
    return [
        entry
        for entry in entries(events, window_start=now, window_end=now + timedelta(days=366))
        if not entry.occurrence.cancelled
    ][:ORGANISATION_EVENTS]


ORGANISATION_EVENTS = 20
