"""`kindred impact --network N --export FILE`: a planted programme written to the database, estimated end to end."""

import csv
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from kindred.engine.impact import ESTIMATED, ImpactPanel
from kindred.networks.models import Membership, Network
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

FIRST_YEAR = 2019


@pytest.mark.django_db
def test_a_networks_effect_is_the_engines_on_the_same_data_and_is_exported(planted, tmp_path):
    programme, networks = planted
    # a network that joined in the fourth year: two years before joining check the trend
    unit = int(programme.unit[np.flatnonzero(programme.panel.joined == 3)[0]])
    out, export = StringIO(), tmp_path / "impact.csv"
    call_command("impact", network=networks[unit].pk, export=export, stdout=out)
    members = np.flatnonzero(programme.unit == unit)
    expected = ImpactPanel(programme.panel.values, programme.panel.joined, programme.context).estimate(
        members
    )
    assert expected.outcome == ESTIMATED
    with export.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["measure"] for row in rows] == ["attainment"]
    row = rows[0]
    assert row["unit"] == f"Network {unit}"
    assert expected.pre_trend_years == 2
    assert float(row["effect"]) == pytest.approx(expected.overall.effect, rel=1e-5)
    assert float(row["lower"]) == pytest.approx(expected.overall.lower, rel=1e-5)
    assert float(row["upper"]) == pytest.approx(expected.overall.upper, rel=1e-5)
    assert int(row["schools"]) == expected.overall.schools
    assert int(row["matched_schools"]) == expected.control_schools
    assert float(row["pre_trend_p"]) == pytest.approx(expected.pre_trend_p, rel=1e-3)
    assert "attainment (2019-2023): " in out.getvalue()
    assert ("do not trust it" in out.getvalue()) == expected.pre_trend_failed


@pytest.mark.django_db
def test_a_network_too_small_to_tell_says_so_and_exports_no_number(planted, tmp_path, region_a):
    _, networks = planted
    small = Network.objects.create(name="=HYPERLINK(1)", kind=Network.Kind.CLUSTER, region=region_a)
    for member in networks[0].memberships.all()[:3]:
        Membership.objects.create(network=small, school=member.school, joined_at=member.joined_at)
    out, export = StringIO(), tmp_path / "small.csv"
    call_command("impact", network=small.pk, export=export, stdout=out)
    assert "too few schools to tell (3 with a result after joining)" in out.getvalue()
    with export.open(newline="", encoding="utf-8") as stream:
        row = next(csv.DictReader(stream))
    assert row["effect"] == row["lower"] == row["upper"] == ""
    assert row["unit"] == "'=HYPERLINK(1)"  # the project's CSV writer neutralises formulas


@pytest.mark.django_db
def test_an_unknown_network_or_a_single_year_is_refused_and_nothing_is_written(region_a, tmp_path):
    export = tmp_path / "none.csv"
    with pytest.raises(CommandError, match="No network with id 999"):
        call_command("impact", network=999, export=export)
    network = Network.objects.create(name="One year", kind=Network.Kind.CLUSTER, region=region_a)
    school = School.objects.create(registry_id="1", name="One", region=region_a)
    outcome = MeasureDefinition.objects.create(code="a", name="A", domain="maths", kind="outcome")
    SchoolMeasure.objects.create(school=school, measure=outcome, year=2019, value=1.0)
    with pytest.raises(CommandError, match="two years or more"):
        call_command("impact", network=network.pk, export=export)
    assert not export.exists()
