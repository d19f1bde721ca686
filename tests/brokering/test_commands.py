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
    # Per school, how many partners it would receive (a partner may cover several of its needs).
    partners: dict[str, set[str]] = {}
    for row in rows:
        partners.setdefault(row["need_school_id"], set()).add(row["partner_school_id"])
    counts = np.bincount([len(p) for p in partners.values()])
    spread = ", ".join(
        f"{n:,} with {k} partner{'s' if k > 1 else ''}" for k, n in enumerate(counts) if k and n
    )
    assert f"{len(partners):,} school(s) would receive partners: {spread}" in out


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


def test_needs_and_strengths_from_self_evaluation_join_the_brokering_inputs_with_their_source_named(
    small_country, tmp_path
):
    from kindred.accounts.models import User
    from kindred.evidence.models import SupportCategory
    from kindred.frameworks.models import Standard
    from kindred.frameworks.services import ratings_save
    from tests.frameworks.conftest import framework_example_load

    version = framework_example_load()
    admin = User.objects.create_superuser(email="admin@example.org", password=None)
    behaviour = [s.pk for s in Standard.objects.filter(domain__version=version, domain__code="behaviour")]
    red = SupportCategory.objects.filter(category="red").select_related("school").first().school
    candidates = School.objects.filter(latitude__isnull=False).exclude(
        support_category__category__in=["red", "amber"]
    )
    helper = min(  # the nearest school that may support: a pairing cheaper than leaving the need unmet
        candidates.exclude(pk=red.pk),
        key=lambda s: (s.latitude - red.latitude) ** 2 + (s.longitude - red.longitude) ** 2,
    )
    for school, level in [(red, 1), (helper, 4)]:
        ratings_save(
            school=school,
            version=version,
            year=2025,
            kind="self",
            levels={pk: (level, "") for pk in behaviour},
            by=admin,
        )
    from kindred.brokering.loading import selfeval_rows

    assert sorted(row[:4] for row in selfeval_rows({red.pk: 0, helper.pk: 1})) == sorted(
        [
            (red.pk, "Behaviour and attendance (self-evaluation)", Flag.NEED, 1.96),
            (helper.pk, "Behaviour and attendance (self-evaluation)", Flag.STRENGTH, 1.96),
        ]
    )
    from kindred.brokering.loading import brokering_inputs

    inputs = brokering_inputs()
    column = inputs.flags.domains.index("Behaviour and attendance (self-evaluation)")
    position = {pk: i for i, pk in enumerate(inputs.place.pk.tolist())}
    assert inputs.flags.need[position[red.pk], column]
    assert inputs.flags.strength_z[position[helper.pk], column] == 1.96
    needs = set(zip(inputs.needs.school.tolist(), inputs.needs.domain.tolist(), strict=True))
    assert (position[red.pk], column) in needs
