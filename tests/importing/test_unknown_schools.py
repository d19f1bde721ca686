"""Rows whose school is not in the registry (a file that only adds to known schools) are checked
like every other row — a bad value in them is a problem, and nothing is imported — and are
reported as unknown schools, their first ids named. On England's census and France's index."""

import csv

import pytest

from kindred.schools.importing import ImportFailed, measures_import, schools_import
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db


def census_with(tmp_path, urn: str, column: str, value: str):
    """England's census sample with one cell changed (the row of `urn`)."""
    with sample("england_census.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index(column)
    for row in rows:
        if row[0] == urn:
            row[at] = value
    path = tmp_path / "census.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_the_census_names_its_unknown_schools_and_checks_their_rows(tmp_path):
    School.objects.create(registry_id="100000", name="Sir John Cass's Foundation Primary School")
    report = schools_import(path=sample("england_census.csv"), mapping="census")
    assert report.rows_created == 1
    unknown = report.skipped["school id not in the registry"]
    assert unknown == report.rows - 1 - report.skipped["a national total"]
    assert report.unknown_ids[:3] == ["100001", "100002", "100003"] and len(report.unknown_ids) == 10
    assert report.summary()["unknown schools (ids not in the registry; the first 10)"].startswith("100001, ")
    SchoolMeasure.objects.all().delete()
    bad = census_with(tmp_path, "100001", "PNUMFSMEVER", "-3")  # a school the registry lacks
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=bad, mapping="census")
    assert [(p.column, p.value, p.reason) for p in failed.value.report.problems] == [
        ("PNUMFSMEVER", "-3", "below the smallest value fsm_pct can take (0)")
    ]
    assert not SchoolMeasure.objects.exists()


def test_an_unknown_school_of_the_french_index_is_checked_too(tmp_path):
    schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=FRANCE / "ips_ecoles.yaml")
    School.objects.filter(registry_id__startswith="038").delete()  # Isère's schools leave the registry
    mapping = tmp_path / "ips_only.yaml"
    mapping.write_text(
        "id: UAI\nyear: {column: Rentrée scolaire}\nschools: {create: false}\n"
        "measures:\n  - {column: IPS, measure: ips}\n",
        encoding="utf-8",
    )
    report = schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping)
    assert report.rows_unchanged == 30
    assert report.skipped == {"school id not in the registry": 6}
    assert report.unknown_ids[0] == "0380164X"
    text = (FRANCE / "fr-en-ips_ecoles.csv").read_text(encoding="utf-8").replace(";128.3", ";-128.3")
    bad = tmp_path / "ips.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=bad, mapping=mapping)
    assert [(p.column, p.value) for p in failed.value.report.problems] == [("IPS", "-128.3")]


def test_a_long_measures_file_checks_the_rows_of_unknown_schools(tmp_path):
    School.objects.create(registry_id="100000", name="A")
    path = tmp_path / "m.csv"
    path.write_text(
        "school_id,measure,year,value\n100000,fsm_pct,2018,16.2\n999999,fsm_pct,2018,-5\n999998,fsm_pct,2018,3\n"
    )
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=path)
    assert [(p.row, p.value) for p in failed.value.report.problems] == [(3, "-5")]
    path.write_text("school_id,measure,year,value\n100000,fsm_pct,2018,16.2\n999998,fsm_pct,2018,3\n")
    report = measures_import(path=path)
    assert (report.rows_created, report.unknown_ids) == (1, ["999998"])
