"""A programme's costs (issue #25.2): money entered on the programme, a network or an event; staff time
counted from attendance and valued by role; totals and per school, teacher and pupil reached."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kindred.events.models import Event, Registration
from kindred.impact.costs import programme_costs
from kindred.impact.models import Cost
from kindred.impact.services import cost_add, programme_create, programme_network_add
from kindred.networks.models import Membership, Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.STAFF_HOUR_COSTS = {"leader": 60.0, "teacher": 40.0, "exams_officer": 0.0, "administrator": 0.0}
    settings.COST_CURRENCY = "GBP"


@pytest.fixture
def costed(rates, region_a, system_leader, network_x, school_x, school_y, teacher_x, school_leader_x):
    """Network X (school X; school Y joined from another region) in a programme: a 2½-hour training both X's
    teacher and leader attended, 18 of Y's pupils at it; a 3-hour one the teacher booked and missed; money on
    the programme (1,000), on the network (250.50) and on the training (99.50)."""
    Membership.objects.create(network=network_x, school=school_y)
    programme = programme_create(name="Reading round", kind="scheme", region=region_a, by=system_leader)
    programme_network_add(programme=programme, network=network_x, by=system_leader)
    start = timezone.now() - dt.timedelta(days=20)
    training = Event.objects.create(
        network=network_x,
        kind="training",
        title="Phonics training",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
        host_school=school_x,
    )
    missed = Event.objects.create(
        network=network_x,
        kind="training",
        title="Missed",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    for user in (teacher_x, school_leader_x):
        Registration.objects.create(
            event=training, occurrence_start=start, user=user, status="confirmed", attended=1
        )
    Registration.objects.create(
        event=missed, occurrence_start=start, user=teacher_x, status="confirmed", attended=0
    )
    Registration.objects.create(
        event=training,
        occurrence_start=start,
        user=school_leader_x,
        school=school_y,
        pupils=20,
        places=20,
        status="confirmed",
        attended=18,
    )
    day = dt.date(2026, 10, 1)
    cost_add(
        programme=programme, description="Evaluation", amount=Decimal("1000"), spent_on=day, by=system_leader
    )
    cost_add(
        programme=programme,
        network=network_x,
        description="Cover",
        amount=Decimal("250.50"),
        spent_on=day,
        by=system_leader,
    )
    cost_add(
        programme=programme,
        event=training,
        description="Venue",
        amount=Decimal("99.50"),
        spent_on=day,
        by=system_leader,
    )
    return programme, training


def test_money_and_staff_time_add_up_with_each_hour_valued_by_the_persons_role(costed, network_x):
    programme, training = costed
    costs = programme_costs(programme=programme)
    total = costs.programme
    # 2.5 h of a teacher at 40 and 2.5 h of a leader at 60; the missed training costs no time
    assert total.staff_hours == pytest.approx(5.0)
    assert total.staff_time == Decimal("250.00")
    assert total.money == Decimal("1350.00")
    assert total.total == Decimal("1600.00")
    assert (total.schools, total.teachers, total.pupils) == (2, 2, 18)
    assert (total.per_school, total.per_teacher, total.per_pupil) == (
        Decimal("800.00"),
        Decimal("800.00"),
        Decimal("88.89"),
    )
    assert total.per_teacher_hour == Decimal("320.00")
    network = costs.networks[network_x.pk]
    assert (network.money, network.total) == (
        Decimal("350.00"),
        Decimal("600.00"),
    )  # not the programme's 1,000
    (event,) = costs.events
    assert (event.event, event.staff_hours, event.staff_time, event.money) == (
        training,
        5.0,
        Decimal("250.00"),
        Decimal("99.50"),
    )


def test_a_cost_that_is_not_the_programmes_or_not_money_is_refused_and_nothing_is_stored(
    costed, system_leader, school_x
):
    programme, training = costed
    outside = Network.objects.create(name="Outside", kind=Network.Kind.CLUSTER, region=school_x.region)
    elsewhere = Event.objects.create(
        network=outside, kind="training", title="Elsewhere", starts_at=timezone.now(), ends_at=timezone.now()
    )
    day = dt.date(2026, 10, 1)
    before = Cost.objects.count()
    for kwargs, message in (
        ({"amount": Decimal("0")}, "more than zero"),
        ({"amount": Decimal("5"), "description": "  "}, "Say what the money paid for"),
        ({"amount": Decimal("5"), "network": outside}, "is not in the programme"),
        ({"amount": Decimal("5"), "event": elsewhere}, "is not in the programme"),
        ({"amount": Decimal("5"), "event": training, "network": outside}, "not one of that network's"),
    ):
        fields = {"description": "Something", **kwargs}
        with pytest.raises(ValidationError, match=message):
            cost_add(programme=programme, spent_on=day, by=system_leader, **fields)
    assert Cost.objects.count() == before


def test_a_leader_records_and_removes_a_cost_on_the_page_after_confirming(costed, system_leader, network_x):
    programme, training = costed
    client = Client()
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/costs/")
    assert page.status_code == 200 and "1,600.00" in page.content.decode()
    answer = client.post(
        f"/impact/programmes/{programme.pk}/costs/",
        {"description": "Supply cover", "amount": "120", "spent_on": "2026-11-02", "event": training.pk},
    )
    assert answer.status_code == 302
    cost = Cost.objects.get(description="Supply cover")
    assert (cost.network, cost.event) == (network_x, training)
    ask = client.post(f"/impact/programmes/{programme.pk}/costs/{cost.pk}/remove/")
    assert ask.status_code == 200 and Cost.objects.filter(pk=cost.pk).exists()
    client.post(f"/impact/programmes/{programme.pk}/costs/{cost.pk}/remove/", {"confirmed": "yes"})
    assert not Cost.objects.filter(pk=cost.pk).exists()
    refused = client.post(
        f"/impact/programmes/{programme.pk}/costs/",
        {"description": "Nothing", "amount": "-3", "spent_on": "2026-11-02"},
    )
    assert refused.status_code == 400 and "more than zero" in refused.content.decode()


@pytest.mark.parametrize("who", ["teacher_x", "school_leader_x", "teacher_y"])
def test_school_staff_neither_see_nor_add_a_programmes_costs(costed, personas, who):
    programme, _ = costed
    client = Client()
    client.force_login(personas[who])
    before = Cost.objects.count()
    assert client.get(f"/impact/programmes/{programme.pk}/costs/").status_code == 404
    assert client.get(f"/impact/programmes/{programme.pk}/costs.csv").status_code == 404
    answer = client.post(
        f"/impact/programmes/{programme.pk}/costs/",
        {"description": "x", "amount": "5", "spent_on": "2026-11-02"},
    )
    assert answer.status_code == 404 and Cost.objects.count() == before
    cost = Cost.objects.first()
    assert (
        client.post(
            f"/impact/programmes/{programme.pk}/costs/{cost.pk}/remove/", {"confirmed": "yes"}
        ).status_code
        == 404
    )
    assert Cost.objects.count() == before


def test_the_costs_csv_holds_every_figure(costed, system_leader):
    programme, _ = costed
    client = Client()
    client.force_login(system_leader)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/impact/programmes/{programme.pk}/costs.csv").content.decode())
        )
    )
    by_level = {r["level"]: r for r in rows}
    assert by_level["programme"]["total"] == "1600.00" and by_level["programme"]["per_pupil"] == "88.89"
    assert by_level["network"]["money"] == "350.00"
    assert by_level["event"]["unit"] == "Phonics training" and by_level["event"]["total"] == "349.50"


def test_the_hour_costs_setting_is_read_and_a_bad_one_refused():
    from django.core.exceptions import ImproperlyConfigured

    from kindred.settings import staff_hour_costs

    assert staff_hour_costs("teacher=30")["teacher"] == 30.0
    assert staff_hour_costs("")["leader"] == 50.0
    for bad in ("teacher=lots", "head=40", "teacher=-1"):
        with pytest.raises(ImproperlyConfigured, match="STAFF_HOUR_COSTS"):
            staff_hour_costs(bad)
