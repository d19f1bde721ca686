"""Keeping only some rows of a national file (`keep: {column: C, values: [...]}`), rather than
listing every other value to skip: on France's index (one académie) and England's census (one
local authority)."""

import pytest
import yaml

from kindred.schools.importing import schools_import
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db


def test_one_academie_of_the_french_file_is_kept_and_the_others_counted(tmp_path):
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    data["keep"] = {"column": "Académie", "values": ["Rennes"]}  # any case
    mapping = tmp_path / "rennes.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping)
    assert report.rows_created == 9
    assert report.skipped == {"not kept: Académie is not Rennes": 27}
    assert set(School.objects.values_list("local_authority__code", flat=True)) == {"035"}


def test_two_keep_rules_must_both_hold(tmp_path):
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    data["keep"] = [
        {"column": "Académie", "values": ["ORLEANS-TOURS", "GRENOBLE"]},
        {"column": "Secteur", "values": ["public"]},
    ]
    mapping = tmp_path / "public.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping)
    assert report.skipped == {
        "not kept: Académie is not ORLEANS-TOURS / GRENOBLE": 9,
        "not kept: Secteur is not public": 2,
    }
    assert report.rows_created == 25
    assert set(School.objects.values_list("school_type", flat=True)) == {"public"}


def test_the_schools_of_one_english_authority_are_kept_from_the_census(tmp_path):
    mapping = tmp_path / "rutland.yaml"
    mapping.write_text(
        "id: URN\nyear: 2018\nkeep: {column: LA, values: [857]}\n"
        "schools:\n  create: true\n  fields: {name: URN, pupils: NOR}\n"
        "measures:\n  - {column: PNUMFSMEVER, measure: fsm_pct, cohort: NOR}\n"
    )
    report = schools_import(path=sample("england_census.csv"), mapping=mapping)
    kept = report.rows_created
    assert kept > 5 and report.skipped["not kept: LA is not 857"] == report.rows - kept
    assert SchoolMeasure.objects.count() == kept - report.values_missing  # "NA": not stored
