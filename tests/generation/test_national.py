"""A national trial in one command (`kindred generate --networks --posts`), at a small scale: every
table consistent with the others, the search indexes built at the end (and kept up afterwards),
pages that read it, and refusals that write nothing. Runs on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery
from django.test import Client
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.search import people_matching
from kindred.board import search, services
from kindred.board.models import Post, Thread, ThreadRead
from kindred.board.rendering import render
from kindred.demo import national
from kindred.engine import recurrence
from kindred.events.feeds import event_components
from kindred.events.models import Event, Registration
from kindred.networks.models import Membership, Network, NetworkRole, RotaTurn
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

SCHOOLS, POSTS = 240, 2_400


def generate(**options):
    call_command("generate", schools=SCHOOLS, seed=5, verbosity=0, **options)


def indexes_of(*models) -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        return {
            m._meta.db_table: set(connection.introspection.get_constraints(cursor, m._meta.db_table))
            for m in models
        }


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def trial():
    tables = (*national.LOADED, User, SchoolStaff)
    before = indexes_of(*tables)
    before_triggers = triggers() if connection.vendor == "sqlite" else set()
    generate(networks=-1, posts=POSTS)
    assert indexes_of(*tables) == before, "every index and constraint is back after the load"
    if connection.vendor == "sqlite":
        assert triggers() == before_triggers, "the search triggers are back after the load"


def test_every_school_is_in_one_network_with_a_coordinator_contacts_and_a_rota(trial):
    n_networks = national.networks_default(SCHOOLS)
    assert Network.objects.count() == n_networks
    active = Membership.objects.active()
    assert active.count() == SCHOOLS == active.values("school").distinct().count()
    assert Membership.objects.filter(left_at__isnull=False).exists(), "history: some schools left a network"
    assert not Network.objects.annotate(n=Count("memberships", filter=Q(memberships__left_at=None))).filter(
        n__lt=2
    )
    # One coordinator each, a leader of a member school; one contact teacher per member school, on its staff.
    coordinators = NetworkRole.objects.filter(role=NetworkRole.Role.COORDINATOR)
    assert coordinators.count() == n_networks == coordinators.values("network").distinct().count()
    for role in coordinators:
        assert SchoolStaff.objects.filter(
            user=role.user, role=SchoolStaff.Role.LEADER, school__network_memberships__network=role.network
        ).exists()
    contacts = NetworkRole.objects.filter(role=NetworkRole.Role.CONTACT_TEACHER)
    assert contacts.count() == SCHOOLS
    assert not contacts.exclude(user__school_roles__school=F("school")).exists()
    # The rota: 6 meetings a network, host and chair members of it, dates in this school year.
    assert RotaTurn.objects.count() == 2 * national.MEETINGS * n_networks
    member = Membership.objects.active().filter(network=OuterRef("network"), school=OuterRef("school"))
    assert not RotaTurn.objects.exclude(Exists(member)).exists()


def test_posts_threads_and_read_state_agree(trial):
    assert Post.objects.count() == POSTS
    assert Thread.objects.count() == POSTS // national.POSTS_PER_THREAD
    # Each thread's counters are its posts'; its first post is its author's, at its creation.
    stats = Thread.objects.annotate(n=Count("posts"), last=Max("posts__created_at"), first=Min("posts__id"))
    for thread in stats:
        assert (thread.post_count, thread.last_post_at) == (thread.n, thread.last)
        first = Post.objects.get(pk=thread.first)
        assert (first.author_id, first.created_at) == (thread.created_by_id, thread.created_at)
    # Ids grow with time, over the past year.
    times = list(Post.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)
    assert timezone.now() - timedelta(days=366) < times[0] and times[-1] <= timezone.now()
    # Every author is on the staff of an active member school of the post's network.
    member_staff = SchoolStaff.objects.filter(
        user=OuterRef("author"),
        school__network_memberships__network=OuterRef("network"),
        school__network_memberships__left_at=None,
    )
    assert not Post.objects.exclude(Exists(member_staff)).exists()
    assert not Post.objects.exclude(network=F("thread__network")).exists()
    # Read marks: each author's last post in the thread, followed.
    reads = ThreadRead.objects.all()
    assert reads.count() == Post.objects.values("author", "thread").distinct().count()
    last = (
        Post.objects.filter(author=OuterRef("user"), thread=OuterRef("thread"))
        .order_by("-id")
        .values("id")[:1]
    )
    assert not reads.exclude(last_read_post_id=Subquery(last)).exists()
    assert set(reads.values_list("level", flat=True)) == {ThreadRead.Level.FOLLOWING}


def test_stored_html_is_what_the_board_renders(trial):
    sample = random.Random(1).sample(list(Post.objects.values_list("body", "html")), 300)
    assert any("\n\n" in body for body, _html in sample)
    for body, html in sample:
        assert render(body) == html


def test_search_finds_generated_posts_and_people_and_keeps_up_with_new_ones(trial):
    post = Post.objects.order_by("-id").select_related("thread").first()
    reader = User.objects.get(pk=post.author_id)
    word = max(post.body.replace("?", " ").replace(".", " ").split(), key=len)
    assert post in search.search_posts(user=reader, text=word).object_list
    teacher = User.objects.order_by("-id").first()
    assert teacher in people_matching(User.objects.all(), teacher.last_name)
    # The triggers work again: a new post and a new person are found at once.
    services.post_reply(thread=post.thread, by=reader, body="Zanzibarish marmalade workshop")
    assert [p.body for p in search.search_posts(user=reader, text="zanzibarish").object_list] == [
        "Zanzibarish marmalade workshop"
    ]
    User.objects.create_user(email="q.newcomer@example.org", password=None, full_name="Quentin Newcomer")
    assert people_matching(User.objects.all(), "newcomer").count() == 1


def test_a_year_of_events_with_feeds_and_places(trial):
    n_networks = national.networks_default(SCHOOLS)
    meetings = Event.objects.filter(kind=Event.Kind.MEETING)
    assert meetings.count() == n_networks
    for event in meetings.select_related("network")[:20]:
        assert f"UID:event-{event.pk}@" in event.ical and "RRULE:FREQ=WEEKLY" in event.ical
        starts = [
            timezone.localtime(o.start).date()
            for o in recurrence.expand(
                start=event.starts_at,
                end=event.ends_at,
                tz_name=event.time_zone,
                rule=event.rrule,
                window_start=event.starts_at - timedelta(days=1),
                window_end=event.series_ends_at + timedelta(days=1),
            )
        ]
        rota = sorted(set(RotaTurn.objects.filter(network=event.network).values_list("date", flat=True)))
        assert rota == starts
    assert Event.objects.filter(region__isnull=False).count() == 9 * national.TRAINING_PER_REGION
    assert Event.objects.filter(school__isnull=False, for_pupils=True).exists()
    assert not Event.objects.filter(ical="").exists()
    over = Event.objects.annotate(n=Count("registrations")).filter(
        capacity__isnull=False, n__gt=F("capacity")
    )
    assert not over.exists()
    # A place is taken by a teacher of the region's schools.
    registration = Registration.objects.select_related("event").first()
    assert SchoolStaff.objects.filter(
        user=registration.user, school__region=registration.event.region
    ).exists()


def test_the_pages_read_the_generated_trial(trial):
    coordinator = (
        NetworkRole.objects.filter(role=NetworkRole.Role.COORDINATOR).select_related("network").first()
    )
    thread = Thread.objects.filter(network=coordinator.network).first()
    client = Client()
    client.force_login(coordinator.user)
    for url in (
        f"/networks/{coordinator.network.pk}/",
        f"/networks/{coordinator.network.pk}/rota/",
        f"/board/networks/{coordinator.network.pk}/",
        f"/board/threads/{thread.pk}/" if thread else "/board/",
        f"/events/networks/{coordinator.network.pk}/",
        "/events/mine/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"posts": 100}, "ask for networks too"),
        ({"networks": SCHOOLS}, "need at least"),
        ({"networks": -5}, "cannot be negative"),
        ({"networks": 3, "posts": -1}, "cannot be negative"),
    ],
)
def test_sizes_that_cannot_be_made_are_refused_and_nothing_is_written(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not School.objects.exists() and not User.objects.exists()


def test_a_failure_in_the_boards_rolls_everything_back(monkeypatch):
    before = triggers() if connection.vendor == "sqlite" else set()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(national, "_posts_write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(networks=10, posts=100)
    assert not School.objects.exists() and not Network.objects.exists() and not User.objects.exists()
    if connection.vendor == "sqlite":
        assert triggers() == before


def test_without_networks_only_the_country_is_written():
    generate()
    assert School.objects.count() == SCHOOLS and User.objects.exists()
    assert not Network.objects.exists() and not Post.objects.exists() and not Event.objects.exists()


def without_stamps(text: str) -> list[str]:
    return [line for line in text.split("\r\n") if not line.startswith(("DTSTAMP", "LAST-MODIFIED"))]


def test_each_stored_calendar_entry_is_what_the_feeds_write(trial):
    seen = set()
    for event in Event.objects.order_by("-id"):
        key = (event.kind, event.title, event.rrule)
        if key in seen and len(seen) > 40:
            continue
        seen.add(key)
        assert without_stamps(event.ical) == without_stamps(event_components(event, [])), event.pk


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Africa/Cairo"])
def test_calendar_entries_made_fast_match_the_feeds_in_any_zone(zone):
    icals = national._Icals()
    start = timezone.now().replace(microsecond=0)
    for pk, days in ((1, 0), (2, 40), (3, 200)):  # across a change of summer time
        event = Event(
            pk=pk,
            kind=Event.Kind.MEETING,
            title="Network meeting",
            starts_at=start + timedelta(days=days),
            ends_at=start + timedelta(days=days, minutes=90),
            time_zone=zone,
            rrule="FREQ=WEEKLY;INTERVAL=6;COUNT=6",
        )
        assert without_stamps(icals.of(event)) == without_stamps(event_components(event, []))
