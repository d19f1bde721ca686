"""Value for money (issue #25.5): cost per school, per teacher-hour and per point of improvement with its
interval, for a programme and each of its networks, and compared across programmes — or the plain reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from kindred.impact.costs import programme_costs
from kindred.impact.models import NetworkEffect, ProgrammeEffect
from kindred.impact.services import cost_add, programme_create, programme_network_add
from kindred.impact.value import value_for_money
from kindred.networks.models import Membership, Network
from kindred.schools.models import MeasureDefinition, School

pytestmark = pytest.mark.django_db


def stored(model, *, effect, lower, upper, pre_trend_p=0.5, **owner):
    return model.objects.create(
        outcome="estimated" if effect is not None else "too-few-schools",
        first_year=2019,
        last_year=2024,
        effect=effect,
        lower=lower,
        upper=upper,
        se=None,
        schools=10,
        controls=200,
        pre_trend_p=pre_trend_p,
        pre_trend_years=2,
        computed_at=timezone.now(),
        **owner,
    )


@pytest.fixture
def valued(region_a, system_leader):
    """A programme of two networks (4 and 6 schools) with 10,000 spent on the first and 2,000 on the whole
    programme; stored effects on attainment: the programme +2 (1 to 4), the first network +3 (−1 to 7),
    the second too few schools to tell."""
    attainment = MeasureDefinition.objects.create(
        code="attainment", name="Attainment", domain="maths", kind="outcome", higher_is_better=True
    )
    programme = programme_create(name="Maths scheme", kind="scheme", region=region_a, by=system_leader)
    networks = []
    for n, size in ((1, 4), (2, 6)):
        network = Network.objects.create(name=f"Maths {n}", kind=Network.Kind.CLUSTER, region=region_a)
        for i in range(size):
            school = School.objects.create(
                registry_id=f"5{n}{i:03d}", name=f"School {n}-{i}", region=region_a
            )
            Membership.objects.create(network=network, school=school)
        programme_network_add(programme=programme, network=network, by=system_leader)
        networks.append(network)
    day = dt.date(2026, 9, 30)
    cost_add(
        programme=programme,
        network=networks[0],
        description="Release time",
        amount=Decimal("10000"),
        spent_on=day,
        by=system_leader,
    )
    cost_add(
        programme=programme, description="Evaluation", amount=Decimal("2000"), spent_on=day, by=system_leader
    )
    stored(ProgrammeEffect, programme=programme, measure=attainment, effect=2.0, lower=1.0, upper=4.0)
    stored(NetworkEffect, network=networks[0], measure=attainment, effect=3.0, lower=-1.0, upper=7.0)
    stored(NetworkEffect, network=networks[1], measure=attainment, effect=None, lower=None, upper=None)
    return programme, networks


def test_the_cost_per_point_is_the_cost_per_school_over_the_effect_with_its_interval_or_the_reason(valued):
    programme, networks = valued
    costs = programme_costs(programme=programme)
    (attainment,) = value_for_money(programme=programme, networks=networks, costs=costs)
    whole, first, second = attainment.rows
    # 12,000 over 10 schools = 1,200 per school; +2 (1 to 4) points: 600 per point (300 to 1,200)
    assert whole.cost.per_school == Decimal("1200.00")
    assert (whole.per_gain.value, whole.per_gain.lower, whole.per_gain.upper) == pytest.approx(
        (600.0, 300.0, 1200.0)
    )
    assert first.cost.per_school == Decimal("2500.00") and not first.given
    assert "interval includes zero" in first.reason
    assert second.reason == "Too few schools to tell"


def test_the_programme_page_shows_value_for_money_with_its_caveats(valued, system_leader):
    programme, _ = valued
    client = Client()
    client.force_login(system_leader)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Value for money" in html
    assert "600.00 (300.00 to 1,200.00)" in html
    assert "Cannot be given: the effect" in html and "Too few schools to tell" in html
    assert "every cost here is a lower bound" in html


def test_a_doubtful_effect_is_flagged_beside_its_cost_per_point(valued, system_leader):
    programme, _ = valued
    ProgrammeEffect.objects.filter(programme=programme).update(pre_trend_p=0.01)
    client = Client()
    client.force_login(system_leader)
    assert "already differ: do not trust this." in client.get(programme.get_absolute_url()).content.decode()


def test_programmes_are_compared_side_by_side_on_the_list(valued, region_a, system_leader):
    programme_create(name="Empty scheme", kind="scheme", region=region_a, by=system_leader)
    client = Client()
    client.force_login(system_leader)
    html = client.get("/impact/programmes/").content.decode()
    assert "Value for money, programme by programme" in html
    assert "600.00 (300.00 to 1,200.00)" in html and "Not computed" in html


def test_the_csv_of_every_number_holds_what_the_page_shows(valued, system_leader):
    import csv
    import io

    programme, _ = valued
    client = Client()
    client.force_login(system_leader)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert 'media="print"' in page and "impact/print.css" in page  # the printable report
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/impact/programmes/{programme.pk}/numbers.csv").content.decode())
        )
    )
    figures = {
        (r["section"], r["unit"], r["measure"], r["name"]): (r["value"], r["lower"], r["upper"]) for r in rows
    }
    assert figures[("participation", "Maths scheme", "", "schools")][0] == "10"
    assert figures[("cost (programme)", "Maths scheme", "", "total")][0] == "12000.00"
    assert figures[("cost (network)", "Maths 1", "", "per_school")][0] == "2500.00"
    assert figures[("effect", "Maths scheme", "attainment", "effect")] == ("2", "1", "4")
    assert figures[("value for money", "Maths scheme", "attainment", "cost_per_point")] == (
        "600",
        "300",
        "1200",
    )
    assert (
        figures[("value for money", "Maths 1", "attainment", "why_not_given")][0] == "interval-includes-zero"
    )
    assert figures[("value for money", "Maths 2", "attainment", "why_not_given")][0] == "too-few-schools"


@pytest.mark.parametrize("who", ["teacher_x", "school_leader_x"])
def test_school_staff_cannot_read_a_programmes_numbers(valued, personas, who):
    programme, _ = valued
    client = Client()
    client.force_login(personas[who])
    assert client.get(f"/impact/programmes/{programme.pk}/numbers.csv").status_code == 404
    assert client.get(programme.get_absolute_url()).status_code == 404
