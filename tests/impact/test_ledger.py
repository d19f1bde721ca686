"""The participation ledger on a network's impact page: who took part in what, counted from the records."""

import csv
import datetime as dt
import io

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone

from kindred.board.models import Post, Thread
from kindred.events.models import Event, Registration
from kindred.impact.ledger import network_ledger
from kindred.networks.models import Membership
from kindred.plans.models import Action, DevelopmentPlan, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(network_x, school_x, school_y, teacher_x, school_leader_x):
    """School X (member since the fixture) and school Y (a member for 30 days, then left)."""
    now = timezone.now()
    spell = Membership.objects.create(
        network=network_x, school=school_y, joined_at=now - dt.timedelta(days=40)
    )
    spell.left_at = now - dt.timedelta(days=10)
    spell.save()
    start = now - dt.timedelta(days=20)
    event = Event.objects.create(
        network=network_x,
        kind=Event.Kind.choices[0][0],
        title="Reading moderation",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host_school=school_x,
    )
    Event.objects.create(
        network=network_x,
        kind=Event.Kind.choices[0][0],
        title="Cancelled",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host_school=school_x,
        status=Event.Status.CANCELLED,
    )
    confirmed = Registration.Status.CONFIRMED
    Registration.objects.create(
        event=event, occurrence_start=start, user=teacher_x, status=confirmed, attended=1
    )
    Registration.objects.create(event=event, occurrence_start=start, user=school_leader_x, status=confirmed)
    Registration.objects.create(
        event=event,
        occurrence_start=start,
        user=school_leader_x,
        school=school_y,
        pupils=20,
        places=20,
        status=confirmed,
        attended=18,
    )
    thread = Thread.objects.create(network=network_x, title="Phonics", created_by=teacher_x)
    for body in ("First", "Second"):
        Post.objects.create(thread=thread, network=network_x, author=teacher_x, body=body, html=body)
    Post.objects.create(
        thread=thread, network=network_x, author=teacher_x, body="x", html="x", deleted_at=now
    )
    plan = DevelopmentPlan.objects.create(network=network_x, title="Plan", year=2026)
    priority = Priority.objects.create(plan=plan, title="Reading")
    Action.objects.create(
        priority=priority, owner_school=school_x, description="Moderate", status=Action.Status.DONE
    )
    Action.objects.create(priority=priority, owner_school=school_y, description="Visit")
    return event


def test_every_member_school_is_counted_from_what_was_recorded(activity, network_x, school_x, school_y):
    ledger = network_ledger(network=network_x)
    by_school = {row.school: row for row in ledger.schools}
    x, y = by_school[school_x], by_school[school_y]
    assert (x.events_hosted, x.staff_places_used, x.posts, x.actions_done) == (1, 1, 2, 1)
    assert x.left is None
    assert (y.pupils_attended, y.actions_done, y.days_member) == (18, 0, 30)
    assert y.left is not None
    assert ledger.totals == {
        "events_hosted": 1,
        "staff_places_used": 1,
        "pupils_attended": 18,
        "posts": 2,
        "actions_done": 1,
    }


def test_the_impact_page_shows_who_took_part_and_its_csv_holds_every_number(activity, network_x, teacher_x):
    client = Client()
    client.force_login(teacher_x)
    html = client.get(f"/impact/networks/{network_x.pk}/").content.decode()
    assert "Who took part" in html and "Xavier Primary" in html
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/impact/networks/{network_x.pk}/participation.csv").content.decode())
        )
    )
    assert {r["school_id"]: (r["events_hosted"], r["pupils_attended"], r["posts"]) for r in rows} == {
        "100001": ("1", "0", "2"),
        "200002": ("0", "18", "0"),
    }


def test_a_network_without_members_says_so(region_a, site_admin):
    from kindred.networks.models import Network

    empty = Network.objects.create(name="Empty", kind=Network.Kind.CLUSTER, region=region_a)
    assert network_ledger(network=empty).schools == []
    client = Client()
    client.force_login(site_admin)
    assert "No school has been a member yet." in client.get(f"/impact/networks/{empty.pk}/").content.decode()


def test_a_school_takes_part_from_the_school_year_it_joined_in_as_the_country_counts_years(
    region_a, school_x
):
    """Years are named by the year they start in (2020 is 2020/21; England's start in September)."""
    from kindred.evidence.loading import school_table
    from kindred.impact.loading import first_years
    from kindred.networks.models import Network

    network = Network.objects.create(name="N", kind=Network.Kind.CLUSTER, region=region_a)
    Membership.objects.create(
        network=network, school=school_x, joined_at=timezone.make_aware(dt.datetime(2021, 3, 1))
    )
    table = school_table()
    assert first_years(table)[table.rows_of(np.array([school_x.pk]))][0] == 2020
    Membership.objects.create(
        network=network,
        school=school_x,
        joined_at=timezone.make_aware(dt.datetime(2020, 8, 31, 12)),
        left_at=timezone.make_aware(dt.datetime(2020, 12, 1)),
    )
    # an earlier spell, the day before the 2020/21 year began: the first year is 2019/20
    assert first_years(school_table())[table.rows_of(np.array([school_x.pk]))][0] == 2019
