""" "Messages won't be missed": over a simulated fortnight, every post reaches every member of its
network exactly once — by an e-mail at once, in a digest, or by being read on the site first —
whatever each person chose, and even when a digest run crashes halfway and is run again.

The simulation is seeded and uses the real services, the real thread page (for reading) and the
real e-mails (Django's test outbox). Each post carries a unique token; the test follows every
(member, post) pair through every e-mail and every visit."""

import random
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from kindred.accounts.models import SchoolStaff, User
from kindred.board import delivery, services
from kindred.board.models import Post, ThreadRead

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TOKEN = re.compile(r"\b(msg\d{4})\b")

# (name, e-mails at once, digest, habit): every combination of choices, plus habits.
PEOPLE = [
    ("Daily Dana", True, "daily", "reads sometimes"),
    ("Weekly Wyn", True, "weekly", "never reads"),
    ("Quiet Quinn", False, "daily", "reads sometimes"),
    ("Weekly Quiet Wes", False, "weekly", "reads sometimes"),
    ("Site-only Sami", True, "never", "reads sometimes"),
    ("Hermit Hana", False, "never", "reads at the end"),
    ("Muting Mo", True, "daily", "mutes a thread"),
    ("Following Fay", True, "weekly", "follows every thread"),
]


class Crash(Exception):
    pass


def crash_after_first_chunk():
    calls = []

    def progress(done, total=None, message=""):
        calls.append(done)
        raise Crash("the digest worker was killed")

    return progress


def test_every_post_reaches_every_member_exactly_once_over_a_fortnight(
    network_x, school_x, school_leader_x, school_admin_x, teacher_x
):
    rng = random.Random(20260302)
    people = []
    for name, at_once, digest, habit in PEOPLE:
        user = User.objects.create_user(
            email=f"{name.split()[-1].lower()}@example.org", password=None, full_name=name
        )
        SchoolStaff.objects.create(user=user, school=school_x, role=SchoolStaff.Role.TEACHER)
        services.notification_settings_set(user=user, email_at_once=at_once, digest=digest)
        people.append((user, habit))
    members = [school_leader_x, school_admin_x, teacher_x] + [u for u, _ in people]
    habits = {u.pk: h for u, h in people}
    clients = {}
    for user in members:
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)

    reached = defaultdict(list)  # (user id, post id) -> ["email" | "site", ...]
    seen_messages = 0
    token_post = {}

    def collect_mail():
        nonlocal seen_messages
        by_email = {u.email: u.pk for u in members}
        for message in mail.outbox[seen_messages:]:
            (to,) = message.to
            for token in set(TOKEN.findall(message.body)):
                reached[(by_email[to], token_post[token])].append("email")
        seen_messages = len(mail.outbox)

    def read_on_site(user, thread):
        before = {p for p in Post.objects.filter(thread=thread).values_list("pk", flat=True)}
        read = ThreadRead.objects.filter(user=user, thread=thread).first()
        last = read.last_read_post_id if read else 0
        page = 1
        while True:  # every page, as a person scrolling the thread would
            response = clients[user.pk].get(thread.get_absolute_url(), {"page": page})
            assert response.status_code == 200
            if not response.context["page_obj"].has_next():
                break
            page += 1
        for post_id in before:
            post_author = token_author[post_id]
            if post_id > last and post_author != user.pk and not reached[(user.pk, post_id)]:
                reached[(user.pk, post_id)].append("site")

    token_author = {}
    counter = 0

    def write(author, thread=None):
        nonlocal counter
        counter += 1
        token = f"msg{counter:04d}"
        mention = ""
        if rng.random() < 0.3:
            other = rng.choice([m for m in members if m.pk != author.pk])
            mention = f" cc @**{other.full_name}**" if other.full_name else f" cc @{other.email}"
        body = f"Note {token}: {rng.choice(['planning', 'phonics', 'trips', 'CPD'])}{mention}"
        if thread is None:
            thread = services.thread_create(network=network_x, by=author, title=f"Topic {counter}", body=body)
            post = thread.posts.get()
        else:
            post = services.post_reply(thread=thread, by=author, body=body)
        token_post[token] = post.pk
        token_author[post.pk] = author.pk
        return thread

    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday
    threads = []
    for day in range(14):
        morning = start + timedelta(days=day)
        with time_machine.travel(morning, tick=False):
            if day == 5:
                # The run dies after its first chunk of people, then the outbox of that chunk is
                # never sent; the next run (an hour later, by hand) must finish the job exactly.
                with pytest.raises(Crash):
                    delivery.digest_compose(chunk=3, progress=crash_after_first_chunk())
                collect_mail()
            else:
                delivery.digest_run(chunk=4)
                collect_mail()
        if day == 5:
            with time_machine.travel(morning + timedelta(hours=1), tick=False):
                delivery.digest_run(chunk=4)
                collect_mail()
        for hour in range(9, 17):
            now = morning + timedelta(hours=hour - 7, minutes=rng.randrange(60))
            with time_machine.travel(now, tick=False):
                for _ in range(rng.randrange(3)):
                    author = rng.choice(members)
                    if not threads or rng.random() < 0.25:
                        threads.append(write(author))
                    else:
                        write(author, rng.choice(threads))
                    if threads and any(h == "mutes a thread" for h in habits.values()):
                        muter = next(u for u, h in people if h == "mutes a thread")
                        services.thread_level_set(thread=threads[0], user=muter, level=ThreadRead.Level.MUTED)
                    follower = next(u for u, h in people if h == "follows every thread")
                    for thread in threads:
                        services.thread_level_set(
                            thread=thread, user=follower, level=ThreadRead.Level.FOLLOWING
                        )
                delivery.outbox_send()
                collect_mail()
                for user in members:
                    habit = habits.get(user.pk, "reads sometimes")
                    if habit == "reads sometimes" and threads and rng.random() < 0.15:
                        read_on_site(user, rng.choice(threads))

    # After the fortnight: the last digests go out (weekly people wait for their day), and the
    # person who only ever reads on the site catches up.
    for extra_day in (14, 21):
        with time_machine.travel(start + timedelta(days=extra_day), tick=False):
            delivery.digest_run()
            collect_mail()
    with time_machine.travel(start + timedelta(days=21, hours=1), tick=False):
        # Those without a digest read the rest on the site.
        for user in members:
            if delivery.settings_for(user).digest == "never":
                for thread in threads:
                    read_on_site(user, thread)

    posts = list(Post.objects.values_list("pk", "author_id"))
    assert len(posts) > 100, "the simulation should be busy"
    problems = []
    for user in members:
        for post_id, author_id in posts:
            if author_id == user.pk:
                continue
            channels = reached[(user.pk, post_id)]
            if len(channels) != 1:
                problems.append(f"{user.full_name or user.email} / post {post_id}: {channels}")
    assert problems == [], f"{len(problems)} (member, post) pairs not reached exactly once:\n" + "\n".join(
        problems[:20]
    )
    # And the mixture was real: e-mails at once, digests and site reading all carried posts.
    kinds = defaultdict(int)
    for channels in reached.values():
        kinds[channels[0]] += 1
    assert kinds["email"] > 100 and kinds["site"] > 20
