"""`kindred broker` and `kindred form-networks` on a generated country with its stored evidence."""

import csv
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.schools.models import Region, School


def read_csv(path):
    with path.open() as stream:
        return list(csv.DictReader(stream))


def test_broker_proposes_a_strong_partner_for_needs_and_exports_csv_and_geojson(
    small_country, tmp_path, capsys
):
    export = tmp_path / "partners.csv"
    call_command("broker", "--allow-unmet", "--export", str(export), verbosity=0)
    out = capsys.readouterr().out
    assert "gap 0.0000%" in out
    rows = read_csv(export)
    assert rows and list(rows[0]) == ["need_school_id", "domain", "partner_school_id", "cost", "reason"]
    for row in rows[:20]:
        need = School.objects.get(registry_id=row["need_school_id"])
        partner = School.objects.get(registry_id=row["partner_school_id"])
        assert Performance.objects.filter(
            school=need, year__isnull=True, flag=Flag.NEED, measure__domain=row["domain"]
        ).exists()
        assert Performance.objects.filter(
            school=partner, year__isnull=True, flag=Flag.STRENGTH, measure__domain=row["domain"]
        ).exists()
        assert not Performance.objects.filter(
            school=partner, year__isnull=True, flag=Flag.NEED, measure__domain=row["domain"]
        ).exists()
        category = SupportCategory.objects.filter(school=partner).values_list("category", flat=True).first()
        assert category not in {"red", "amber"}
        assert row["reason"].startswith(f"strong in {row['domain']}, ") and " km away" in row["reason"]
    geojson = json.loads(export.with_suffix(".geojson").read_text())
    assert len(geojson["features"]) == len(rows)
    assert geojson["features"][0]["geometry"]["type"] == "LineString"


def test_form_networks_places_every_located_school_of_a_region_within_the_sizes(
    small_country, tmp_path, capsys
):
    region = Region.objects.order_by("pk").first()
    export = tmp_path / "networks.csv"
    call_command(
        "form-networks",
        "--region",
        region.code,
        "--min-size",
        "6",
        "--max-size",
        "10",
        "--export",
        str(export),
        verbosity=0,
    )
    out = capsys.readouterr().out
    assert "all in bounds" in out and "lower bound" in out and "coverage" in out
    rows = read_csv(export)
    located = School.objects.filter(region=region, latitude__isnull=False).exclude(
        status=School.Status.CLOSED
    )
    assert {r["school_id"] for r in rows} == set(located.values_list("registry_id", flat=True))
    sizes = np.bincount([int(r["network"]) for r in rows])[1:]
    assert sizes.min() >= 6 and sizes.max() <= 10
    points = json.loads(export.with_suffix(".geojson").read_text())["features"]
    assert sum(p["properties"]["meeting_point"] for p in points) == len(sizes)


def test_too_few_schools_for_the_minimum_size_is_a_clear_error_not_a_traceback(small_country):
    region = Region.objects.order_by("pk").first()
    with pytest.raises(CommandError, match="cannot make even one network of at least 1000"):
        call_command(
            "form-networks", "--region", region.code, "--min-size", "1000", "--max-size", "1200", verbosity=0
        )


def test_an_unknown_region_is_named_in_the_error(small_country):
    with pytest.raises(CommandError, match="No region Atlantis"):
        call_command("broker", "--region", "Atlantis", verbosity=0)


def test_brokering_every_need_beyond_the_capacities_says_why_or_counts_the_unmet(
    small_country, settings, capsys
):
    settings.BROKERING_PUPILS_PER_PARTNER = 10**6  # every supporter can take one school
    with pytest.raises(
        CommandError, match=r"the needs want \d+ partners but the supporters can take only \d+"
    ):
        call_command("broker", "--all-needs", verbosity=0)
    call_command("broker", "--all-needs", "--allow-unmet", verbosity=0)
    assert "could not be found within the capacities" in capsys.readouterr().out
