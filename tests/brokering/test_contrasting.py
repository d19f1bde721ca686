"""Contrasting localities from the registry: each school's share of disadvantaged pupils, in thirds.

Two towns of 8 schools 5.5 km apart, one with 2–9% disadvantaged pupils, one with 40–47% (the hand-worked
case of tests/engine/test_formation.py): on travel alone each town is a network missing one end.
"""

import csv

import pytest
from django.core.management import CommandError, call_command

from kindred.schools.models import Region, School, SchoolMeasure
from kindred.schools.services import standard_measures_ensure


@pytest.fixture
def two_towns(db):
    region = Region.objects.create(code="TWO", name="Two towns")
    schools = [
        School.objects.create(
            registry_id=f"8{i:05d}",
            name=f"Town school {i}",
            region=region,
            latitude=(52.0 if i < 8 else 52.05) + (i % 4) * 0.001,
            longitude=(i % 8 // 4) * 0.001,
        )
        for i in range(16)
    ]
    return region, schools


def test_the_rule_mixes_the_towns_and_the_report_says_every_network_meets_it(two_towns, capsys, tmp_path):
    _region, schools = two_towns
    fsm = standard_measures_ensure(["fsm_pct"])["fsm_pct"]
    shares = [*range(2, 10), *range(40, 48)]
    SchoolMeasure.objects.bulk_create(
        SchoolMeasure(school=s, measure=fsm, year=2024, value=v) for s, v in zip(schools, shares, strict=True)
    )
    share = {s.registry_id: v for s, v in zip(schools, shares, strict=True)}
    args = ["form-networks", "--region", "TWO", "--min-size", "8", "--max-size", "8"]

    def networks(*extra):
        export = tmp_path / f"networks{len(extra)}.csv"
        call_command(*args, *extra, "--export", str(export), verbosity=0)
        with export.open() as stream:
            rows = list(csv.DictReader(stream))
        return [sorted(share[r["school_id"]] for r in rows if r["network"] == n) for n in ("1", "2")]

    # Least deprived third: at most 7%; most deprived: over 42% (the cuts worked in the engine's test).
    assert any(max(n) <= 9 for n in networks())  # on travel alone, one network is the affluent town
    capsys.readouterr()
    for members in networks("--contrasting-deprivation"):
        assert members[0] <= 7 and members[-1] > 42
    assert "networks breaking a mixing rule: 0" in capsys.readouterr().out


def test_without_the_measure_the_rule_is_refused_with_the_reason(two_towns):
    with pytest.raises(CommandError, match="contrasting localities need the context measure fsm_pct"):
        call_command(
            "form-networks",
            "--region",
            "TWO",
            "--min-size",
            "8",
            "--max-size",
            "8",
            "--contrasting-deprivation",
            verbosity=0,
        )
