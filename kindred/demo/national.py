"""A whole national trial in one transaction: the generated country (schools, measures, teachers),
then its networks with members, people's roles and a year's rota, a year of messageboard posts
with read state, and a year of events (`kindred generate --networks --posts N`).

At national scale (38,000 schools, 870,000 people, 3,500 networks, 500,000 posts) every table is
written with kindred.core.bulk (COPY on PostgreSQL) from numpy arrays, with ids allocated up
front. Each loaded table's indexes, unique constraints and foreign keys are dropped for the load
and built once at the end (which also checks every row), and the search indexes too: SQLite's
FTS5 tables are filled by one INSERT ... SELECT instead of their per-row triggers
(`accounts.search.people_indexed_after`, `board.search.posts_indexed_after`), PostgreSQL's GIN
and trigram indexes are rebuilt like any other index. Either all of it is written or nothing.

What is made (docs/generator.md, "A national trial"):
- networks of about 11 neighbouring schools (sorted by region and town), of every kind; every
  school an active member of one, one school in ten with an ended membership of the next network
  (history); the first school leads. Its leader coordinates the network; each member school's
  second teacher (its leader when alone) is its contact teacher.
- the rota of the current school year: 6 meetings, 6 weeks apart, host and chair in turn, and a
  matching repeating "network meeting" event per network.
- threads (one per 10 posts) in networks (some busier than others), opened over the past year;
  each post by a member of staff of a member school, its HTML what the board's renderer makes of
  it. Every author has read the thread up to their last post and follows it (as when posting).
- a year of events: two regional training days a month per region, with places taken by the
  region's teachers, and a pupil event at one school in ten.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.accounts.generation import (
    GenerationSummary,
    WrittenCountry,
    country_loading,
    country_refuse_clashes,
    country_rows,
    country_rows_write,
)
from kindred.accounts.models import SchoolStaff
from kindred.board.models import Post, Thread, ThreadRead
from kindred.board.search import posts_indexed_after
from kindred.core.bulk import foreign_keys_validated_after, indexes_rebuilt_after
from kindred.core.progress import Progress, no_progress
from kindred.demo.national_words import NationalWords, national_words
from kindred.engine import recurrence
from kindred.engine.generate import Country
from kindred.events.feeds import event_components
from kindred.events.models import Event, Registration
from kindred.networks.models import Membership, Network, NetworkRole, RotaTurn
from kindred.schools.generation import ChunkWriter, allocate_ids
from kindred.schools.models import Region

SCHOOLS_PER_NETWORK = 11  # 38,000 schools make about 3,500 networks
POSTS_PER_THREAD = 10
MEETINGS = 6  # a school year's network meetings, 6 weeks apart
TRAINING_PER_REGION = 24  # two a month
TRAINING_PLACES = 40
PUPIL_EVENT_SHARE = 10  # one school in ten holds a pupil event

LOADED = (Network, Membership, NetworkRole, RotaTurn, Thread, Post, ThreadRead, Event, Registration)


@dataclass(frozen=True)
class NationalSummary:
    country: GenerationSummary
    networks: int = 0
    memberships: int = 0
    network_roles: int = 0
    rota_turns: int = 0
    threads: int = 0
    posts: int = 0
    read_marks: int = 0
    events: int = 0
    registrations: int = 0

    def as_dict(self) -> dict[str, int]:
        return {**self.country.as_dict(), **{k: v for k, v in self.__dict__.items() if k != "country"}}


def networks_default(n_schools: int) -> int:
    """About one network per 11 schools (3,455 for 38,000), at least one."""
    return max(1, round(n_schools / SCHOOLS_PER_NETWORK))


def national_check(*, n_schools: int, n_networks: int, n_posts: int) -> None:
    """Refuse (ValidationError) sizes that cannot be made, before anything is generated."""
    if n_networks < 0 or n_posts < 0:
        raise ValidationError(_("The numbers of networks and posts cannot be negative."))
    if n_networks and n_schools < 2 * n_networks:
        raise ValidationError(
            _("%(networks)s networks need at least %(schools)s schools (two each); there are %(n)s.")
            % {"networks": n_networks, "schools": 2 * n_networks, "n": n_schools}
        )
    if n_posts and not n_networks:
        raise ValidationError(_("Posts are written in networks' boards: ask for networks too (--networks)."))


@transaction.atomic
def national_write(
    *, country: Country, n_networks: int, n_posts: int, seed: int, progress: Progress = no_progress
) -> NationalSummary:
    """Write `country` and, with `n_networks`, its networks, rota, events and `n_posts` posts.

    Refuses (ValidationError, nothing written) what `country_write` refuses and sizes that
    cannot be made.
    """
    national_check(n_schools=country.n_schools, n_networks=n_networks, n_posts=n_posts)
    country_refuse_clashes(country)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 26])
    n_threads = (n_posts + POSTS_PER_THREAD - 1) // POSTS_PER_THREAD
    # memberships (with history), roles, rota, posts, threads and read marks (about one a post)
    extra = 0
    if n_networks:  # memberships, roles, rota, events and places, threads, posts, read marks (about)
        extra = country.n_schools * 2 + n_networks * (2 + 2 * MEETINGS) + 6_000 + n_threads + 2 * n_posts
    total = country_rows(country) + extra
    writer = ChunkWriter(progress, total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the indexes built at the end, each in memory
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    with country_loading():
        written = country_rows_write(writer, country)
        if not n_networks:
            progress(writer.done, total, gettext_noop("indexing and checking references"))
            summary = NationalSummary(country=written.summary)
        else:
            with (
                foreign_keys_validated_after(*LOADED),
                indexes_rebuilt_after(*LOADED),
                posts_indexed_after(),
            ):
                summary = _national_rows_write(writer, rng, country, written, n_networks, n_posts)
                progress(writer.done, total, gettext_noop("indexing and checking references"))
    progress(total, total, gettext_noop("done"))
    return summary


def _national_rows_write(
    writer: ChunkWriter,
    rng: np.random.Generator,
    country: Country,
    written: WrittenCountry,
    n_networks: int,
    n_posts: int,
) -> NationalSummary:
    now = timezone.now()
    regions = dict(Region.objects.filter(code__in=[c for c, _n in country.regions]).values_list("code", "id"))
    school_region = np.array([regions[c] for c in country.region.tolist()], dtype=np.int64)

    # Networks: schools in (region, town, name) order, cut into n_networks runs of neighbours.
    order = np.lexsort((country.name, country.town, country.region))
    network_of_position = np.arange(country.n_schools) * n_networks // country.n_schools
    network_index = np.empty(country.n_schools, dtype=np.int64)
    network_index[order] = network_of_position  # each school's network (index)
    first_position = np.searchsorted(network_of_position, np.arange(n_networks))
    lead_school = order[first_position]  # each network's first school (index)
    network_ids = allocate_ids(Network, n_networks)
    said = national_words(country.places)  # in the country's language
    kinds = np.array(list(said.network_words))[np.arange(n_networks) % len(said.network_words)]
    towns = country.town[lead_school]
    names = [
        said.network_name.format(town=town, word=said.network_words[kind], number=i + 1)
        for i, (town, kind) in enumerate(zip(towns.tolist(), kinds.tolist(), strict=True))
    ]
    writer.write(
        Network,
        {
            "id": network_ids,
            "name": names,
            "kind": kinds,
            "purpose": said.purpose,
            "region": school_region[lead_school],
            "subject": np.where(kinds == Network.Kind.SUBJECT.value, "maths", ""),
            "visibility": np.where(np.arange(n_networks) % 5 == 4, "private", "public"),
            "status": Network.Status.ACTIVE.value,
            "capacity": None,
            "created_at": _stamp(now - timedelta(days=730)),
        },
        n_networks,
        gettext_noop("networks"),
    )

    # Memberships: every school an active member; one in ten left the next network earlier.
    school_ids = written.school_ids
    is_lead = np.zeros(country.n_schools, dtype=bool)
    is_lead[lead_school] = True
    left = np.flatnonzero(rng.random(country.n_schools) < 0.1)
    member_school = np.concatenate([school_ids, school_ids[left]])
    member_network = network_ids[np.concatenate([network_index, (network_index[left] + 1) % n_networks])]
    n_active, n_members = country.n_schools, country.n_schools + len(left)
    joined = np.array([_stamp(now - timedelta(days=700)), _stamp(now - timedelta(days=400))], dtype=object)
    writer.write(
        Membership,
        {
            "network": member_network,
            "school": member_school,
            "role": np.concatenate(
                [
                    np.where(is_lead, Membership.Role.LEAD.value, Membership.Role.MEMBER.value),
                    ["member"] * len(left),
                ]
            ),
            "joined_at": joined[(np.arange(n_members) >= n_active).astype(int)],
            "left_at": [None] * n_active + [_stamp(now - timedelta(days=90))] * len(left),
            "leave_reason": [""] * n_active + [said.leave_reason] * len(left),
            "replaced_by": None,
        },
        n_members,
        gettext_noop("memberships"),
    )

    # People's roles: the lead school's leader coordinates; each school's second teacher is its contact.
    first_teacher = np.concatenate(([0], np.cumsum(country.teachers)[:-1]))
    leader = written.user_ids[first_teacher]
    contact = written.user_ids[first_teacher + np.minimum(1, country.teachers - 1)]
    started = _stamp(now - timedelta(days=400))
    n_roles = n_networks + country.n_schools
    writer.write(
        NetworkRole,
        {
            "network": np.concatenate([network_ids, network_ids[network_index]]),
            "user": np.concatenate([leader[lead_school], contact]),
            "role": [NetworkRole.Role.COORDINATOR.value] * n_networks
            + [NetworkRole.Role.CONTACT_TEACHER.value] * country.n_schools,
            "school": [None] * n_networks + school_ids.tolist(),
            "started_at": started,
            "ended_at": None,
        },
        n_roles,
        gettext_noop("network roles"),
    )

    # The rota and its meetings: this school year, network i meeting on weekday i % 5.
    profile = countries.profile()
    year = profile.school_year_of(timezone.localdate())
    first_day, _last_day = profile.school_year_dates(year)
    first_monday = first_day + timedelta(days=(7 - first_day.weekday()) % 7 + 14)
    members = np.argsort(network_index, kind="stable")  # schools grouped by network, in school order
    counts = np.bincount(network_index, minlength=n_networks)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    meeting = np.arange(MEETINGS)
    weekday = np.arange(n_networks) % 5
    turn_days = [first_monday + timedelta(days=int(d), weeks=6 * int(m)) for d in range(5) for m in meeting]
    day_of = np.array(turn_days, dtype=object).reshape(5, MEETINGS)
    host = members[offsets[:, None] + meeting[None, :] % counts[:, None]]
    chair = members[offsets[:, None] + (meeting[None, :] + 1) % counts[:, None]]
    n_turns = 2 * n_networks * MEETINGS
    writer.write(
        RotaTurn,
        {
            "network": np.repeat(network_ids, 2 * MEETINGS),
            "school_year": year,
            "date": [d.isoformat() for d in np.repeat(day_of[weekday], 2, axis=1).ravel().tolist()],
            "duty": np.tile([RotaTurn.Duty.HOST.value, RotaTurn.Duty.CHAIR.value], n_networks * MEETINGS),
            "school": school_ids[np.stack([host, chair], axis=2).reshape(-1)],
        },
        n_turns,
        gettext_noop("rota"),
    )
    events, registrations = _events_write(
        writer, rng, country, written, network_ids, lead_school, day_of[weekday], school_region, regions, now
    )

    threads, reads = _posts_write(writer, rng, country, written, network_ids, network_index, n_posts, now)
    return NationalSummary(
        country=written.summary,
        networks=n_networks,
        memberships=n_members,
        network_roles=n_roles,
        rota_turns=n_turns,
        threads=threads,
        posts=n_posts,
        read_marks=reads,
        events=events,
        registrations=registrations,
    )


def _events_write(
    writer: ChunkWriter,
    rng: np.random.Generator,
    country: Country,
    written: WrittenCountry,
    network_ids: np.ndarray,
    lead_school: np.ndarray,
    first_meetings: np.ndarray,
    school_region: np.ndarray,
    regions: dict[str, int],
    now: datetime,
) -> tuple[int, int]:
    """A year of events with their stored iCalendar text; returns (events, registrations)."""
    said = national_words(country.places)  # in the country's language
    zone_name = settings.TIME_ZONE
    tz = recurrence.zone(zone_name)
    staff_roles_all = json.dumps([r.value for r in SchoolStaff.Role])

    def at(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)

    rows: list[dict] = []
    rule = f"FREQ=WEEKLY;INTERVAL=6;COUNT={MEETINGS}"
    for i in range(len(network_ids)):
        start = at(first_meetings[i][0], 16)
        rows.append(
            dict(
                network=int(network_ids[i]),
                kind=Event.Kind.MEETING,
                title=said.meeting,
                host_school=int(written.school_ids[lead_school[i]]),
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                rrule=rule,
                staff_roles=staff_roles_all,
            )
        )
    profile = countries.profile()
    first_day, _last = profile.school_year_dates(profile.school_year_of(timezone.localdate()))
    training: list[tuple[int, int]] = []  # (row, region id) of each training day
    for code, region_id in sorted(regions.items()):
        in_region = np.flatnonzero(country.region == code)
        if not len(in_region):  # a small country leaves some regions without schools
            continue
        for k in range(TRAINING_PER_REGION):
            day = first_day + timedelta(days=14 * k + 3 + k % 2)  # a Thursday or a Friday
            start = at(day, 9)
            training.append((len(rows), region_id))
            rows.append(
                dict(
                    region=region_id,
                    kind=Event.Kind.TRAINING,
                    title=said.training_topics[k % len(said.training_topics)],
                    host_school=int(written.school_ids[in_region[k % len(in_region)]]),
                    starts_at=start,
                    ends_at=start + timedelta(hours=6),
                    capacity=TRAINING_PLACES,
                    staff_roles=json.dumps([SchoolStaff.Role.TEACHER.value, SchoolStaff.Role.LEADER.value]),
                )
            )
    hosts = np.flatnonzero(np.arange(country.n_schools) % PUPIL_EVENT_SHARE == 3)
    days = rng.integers(0, 330, len(hosts))
    for school, offset in zip(hosts.tolist(), days.tolist(), strict=True):
        kind, title = said.pupil_events[school % len(said.pupil_events)]
        start = at(first_day + timedelta(days=offset), 13)
        rows.append(
            dict(
                school=int(written.school_ids[school]),
                kind=kind,
                title=title,
                host_school=int(written.school_ids[school]),
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                for_pupils=True,
                pupils_age_min=7,
                pupils_age_max=11,
                capacity=120,
            )
        )
    ids = allocate_ids(Event, len(rows))
    created = _stamp(now)
    columns: dict[str, list] = {name: [] for name in ("network", "school", "region", "host_school", "rrule")}
    columns.update({n: [] for n in ("kind", "title", "starts_at", "ends_at", "series_ends_at", "ical")})
    columns.update(
        {n: [] for n in ("staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max", "capacity")}
    )
    icals = _Icals()
    for event_id, row in zip(ids.tolist(), rows, strict=True):
        event = Event(
            id=event_id, time_zone=zone_name, **{k: v for k, v in row.items() if k not in _ID_FIELDS}
        )
        event.series_ends_at = recurrence.last_end(
            start=event.starts_at, end=event.ends_at, tz_name=zone_name, rule=event.rrule
        )
        for name in ("network", "school", "region", "host_school"):
            columns[name].append(row.get(name))
        columns["kind"].append(str(event.kind))
        for name in ("title", "rrule", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max"):
            columns[name].append(getattr(event, name))
        columns["capacity"].append(event.capacity)
        columns["starts_at"].append(_stamp(event.starts_at))
        columns["ends_at"].append(_stamp(event.ends_at))
        columns["series_ends_at"].append(_stamp(event.series_ends_at) if event.series_ends_at else None)
        columns["ical"].append(icals.of(event))
        if isinstance(event.staff_roles, list):
            columns["staff_roles"][-1] = json.dumps(event.staff_roles)
    writer.write(
        Event,
        {
            "id": ids,
            **columns,
            "description": "",
            "place": "",
            "online_url": "",
            "time_zone": zone_name,
            "status": Event.Status.SCHEDULED.value,
            "created_by": None,
            "created_at": created,
        },
        len(rows),
        gettext_noop("events"),
    )

    # Places at the training days: teachers of the region, as many as the day has places or fewer.
    staff_region = school_region[country.teacher_school_index()]
    reg_event, reg_user, reg_start = [], [], []
    for row, region_id in training:
        pool = np.flatnonzero(staff_region == region_id)
        taken = rng.choice(
            pool, size=min(len(pool), int(rng.integers(10, TRAINING_PLACES + 1))), replace=False
        )
        reg_event.append(np.full(len(taken), ids[row]))
        reg_user.append(written.user_ids[taken])
        reg_start.extend([_stamp(rows[row]["starts_at"])] * len(taken))
    n_registrations = len(reg_start)
    if n_registrations:
        writer.write(
            Registration,
            {
                "event": np.concatenate(reg_event),
                "occurrence_start": reg_start,
                "user": np.concatenate(reg_user),
                "school": None,
                "pupils": 0,
                "places": 1,
                "status": Registration.Status.CONFIRMED.value,
                "created_at": created,
                "promoted_at": None,
                "cancelled_at": None,
                "reminded_at": None,
                "attended": None,
            },
            n_registrations,
            gettext_noop("registrations"),
        )
    return len(rows), n_registrations


_ID_FIELDS = ("network", "school", "region", "host_school")


class _Icals:
    """Each event's VEVENT text, as kindred.events.feeds.event_components writes it, made fast.

    icalendar takes milliseconds an event; thousands of generated events differ only in their id
    and times within a group of the same kind, title, rule and zone. The first event of a group is
    written by event_components; the others are its text with the UID, DTSTART and DTEND values
    replaced (tests/generation/test_national.py compares the two for every group).
    """

    def __init__(self) -> None:
        self.prototypes: dict[tuple, tuple[Event, str]] = {}

    def of(self, event: Event) -> str:
        key = (
            event.kind,
            event.title,
            event.rrule,
            event.time_zone,
            event.place,
            event.online_url,
            event.status,
        )
        if key not in self.prototypes:
            self.prototypes[key] = (event, event_components(event, []))
            return self.prototypes[key][1]
        prototype, text = self.prototypes[key]
        lines = text.split("\r\n")
        for i, line in enumerate(lines):
            name = line.split(":", 1)[0].split(";", 1)[0]
            if name == "UID":
                lines[i] = line.replace(f"event-{prototype.pk}@", f"event-{event.pk}@", 1)
            elif name in ("DTSTART", "DTEND"):
                when = event.starts_at if name == "DTSTART" else event.ends_at
                head, value = line.rsplit(":", 1)
                if value.endswith("Z"):
                    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
                else:
                    stamp = when.astimezone(recurrence.zone(event.time_zone)).strftime("%Y%m%dT%H%M%S")
                lines[i] = f"{head}:{stamp}"
        return "\r\n".join(lines)


def _posts_write(
    writer: ChunkWriter,
    rng: np.random.Generator,
    country: Country,
    written: WrittenCountry,
    network_ids: np.ndarray,
    network_index: np.ndarray,
    n_posts: int,
    now: datetime,
) -> tuple[int, int]:
    """Threads and posts over the past year, and each author's read mark; returns (threads, read marks)."""
    if not n_posts:
        return 0, 0
    n_networks = len(network_ids)
    n_threads = (n_posts + POSTS_PER_THREAD - 1) // POSTS_PER_THREAD
    # Some boards are busier than others (weights falling with a random rank).
    weight = 1.0 / (1.0 + rng.permutation(n_networks)) ** 0.8
    thread_network = rng.choice(n_networks, size=n_threads, p=weight / weight.sum())
    year = 365 * 86_400.0
    opened = np.sort(rng.random(n_threads)) * year  # seconds into the year, threads in order
    # Every thread has its opening post; the other posts go to threads at random, some later.
    post_thread = np.concatenate([np.arange(n_threads), rng.integers(0, n_threads, n_posts - n_threads)])
    delay = np.concatenate([np.zeros(n_threads), rng.exponential(3 * 86_400.0, n_posts - n_threads)])
    at = np.minimum(opened[post_thread] + delay, year - 1.0)
    order = np.lexsort((delay, at))  # ids grow with time; a thread's opening post first
    post_thread, at = post_thread[order], at[order]

    # Authors: staff of the thread's network's member schools (active members: network_index).
    teacher_school = country.teacher_school_index()
    staff_network = network_index[teacher_school]
    staff_sorted = np.argsort(staff_network, kind="stable")
    staff_counts = np.bincount(staff_network, minlength=n_networks)
    staff_offsets = np.concatenate(([0], np.cumsum(staff_counts)[:-1]))
    net = thread_network[post_thread]
    pick = staff_offsets[net] + (rng.random(n_posts) * staff_counts[net]).astype(np.int64)
    author = written.user_ids[staff_sorted[pick]]

    thread_ids = allocate_ids(Thread, n_threads)
    post_ids = allocate_ids(Post, n_posts)
    start = now - timedelta(seconds=year)
    base = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "us")
    stamps = _stamps(base + (at * 1e6).astype("timedelta64[us]"))

    said = national_words(country.places)  # in the country's language
    bodies, htmls = _bodies(rng, n_posts, said)
    # Each thread: its opening post's author and time, its last post, its count.
    first_post = np.full(n_threads, n_posts, dtype=np.int64)
    np.minimum.at(first_post, post_thread, np.arange(n_posts))
    last_post = np.zeros(n_threads, dtype=np.int64)
    np.maximum.at(last_post, post_thread, np.arange(n_posts))
    post_count = np.bincount(post_thread, minlength=n_threads)
    titles = _titles(rng, n_threads, said)
    stamp_array = np.array(stamps, dtype=object)
    writer.write(
        Thread,
        {
            "id": thread_ids,
            "network": network_ids[thread_network],
            "title": titles,
            "created_by": author[first_post],
            "created_at": stamp_array[first_post],
            "pinned": np.arange(n_threads) % 97 == 0,
            "last_post_at": stamp_array[last_post],
            "post_count": post_count,
        },
        n_threads,
        gettext_noop("threads"),
    )
    writer.write(
        Post,
        {
            "id": post_ids,
            "thread": thread_ids[post_thread],
            "network": network_ids[net],
            "author": author,
            "body": bodies,
            "html": htmls,
            "created_at": stamps,
            "edited_at": None,
            "deleted_at": None,
            "hidden_at": None,
            "hidden_by": None,
        },
        n_posts,
        gettext_noop("posts"),
    )
    # Read state: each author has read the thread up to their last post there, and follows it.
    key = author.astype(np.int64) * (n_threads + 1) + post_thread
    last_of_key = np.unique(key[::-1], return_index=True)[1]
    last_of_key = n_posts - 1 - last_of_key  # the last post of each (author, thread)
    writer.write(
        ThreadRead,
        {
            "user": author[last_of_key],
            "thread": thread_ids[post_thread[last_of_key]],
            "last_read_post_id": post_ids[last_of_key],
            "level": ThreadRead.Level.FOLLOWING.value,
            "visited_at": stamp_array[last_of_key],
        },
        len(last_of_key),
        gettext_noop("read marks"),
    )
    return n_threads, len(last_of_key)


def _bodies(rng: np.random.Generator, n: int, said: NationalWords) -> tuple[list[str], list[str]]:
    """Post bodies of one or two paragraphs of sentences, and the HTML the board's renderer makes of them
    (plain sentences are paragraphs of escaped text: tests/generation/test_national.py checks it)."""
    sentences = []
    shapes = rng.integers(0, len(said.sentence_shapes), 4_000)
    words = rng.integers(0, len(said.words), (4_000, 3))
    w = said.words
    for shape, (a, b, c) in zip(shapes.tolist(), words.tolist(), strict=True):
        sentences.append(said.sentence_shapes[shape].format(a=w[a], b=w[b], c=w[c], n=3 + (a + b) % 9))
    paragraphs = rng.integers(0, len(sentences), (n, 4)).tolist()
    two = (rng.random(n) < 0.3).tolist()
    sizes = rng.integers(1, 3, n).tolist()
    bodies, htmls = [], []
    for (a, b, c, d), second, size in zip(paragraphs, two, sizes, strict=True):
        first = " ".join(sentences[i] for i in (a, b)[:size])
        if second:
            other = " ".join(sentences[i] for i in (c, d)[:size])
            bodies.append(f"{first}\n\n{other}")
            htmls.append(f"<p>{escape(first, quote=False)}</p>\n<p>{escape(other, quote=False)}</p>\n")
        else:
            bodies.append(first)
            htmls.append(f"<p>{escape(first, quote=False)}</p>\n")
    return bodies, htmls


def _titles(rng: np.random.Generator, n: int, said: NationalWords) -> list[str]:
    shapes = rng.integers(0, len(said.thread_shapes), n).tolist()
    a = rng.integers(0, len(said.words), n).tolist()
    b = rng.integers(0, len(said.words), n).tolist()
    w = said.words
    return [
        said.thread_shapes[s].format(a=w[x], A=said.capitalised(w[x]), b=w[y])
        for s, x, y in zip(shapes, a, b, strict=True)
    ]


def _stamp(value: datetime) -> str:
    """A stored datetime as each database's driver expects it in a bulk insert (UTC)."""
    return str(connection.ops.adapt_datetimefield_value(value))


def _stamps(values: np.ndarray) -> list[str]:
    """datetime64[us] (UTC) as stored timestamps, vectorised: 'YYYY-MM-DD HH:MM:SS.ffffff' (+00:00 on
    PostgreSQL), the text Django's SQLite back end stores and compares."""
    text = np.char.replace(np.datetime_as_string(values, unit="us"), "T", " ")
    if connection.vendor == "postgresql":
        text = np.char.add(text, "+00:00")
    return text.tolist()
