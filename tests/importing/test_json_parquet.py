"""JSON (a list of records, an object of records, JSON lines) and Parquet files are read for what
they are, streamed, and store exactly what the same rows as CSV store; without pyarrow a Parquet
file is refused with a message that says so. Real files of two countries: France's social
position index of schools (as its portal exports it) and England's school census."""

import json
import shutil
import sys

import pytest

from kindred.schools.importing import ImportFailed, reading, schools_import
from kindred.schools.importing.mapping import MAPPINGS_DIR
from kindred.schools.importing.reading import open_table
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db


def stored() -> list[tuple]:
    return sorted(
        SchoolMeasure.objects.values_list(
            "school__registry_id", "measure__code", "year", "value", "cohort", "suppressed"
        )
    )


def schools() -> list[tuple]:
    return sorted(School.objects.values_list("registry_id", "name", "town", "local_authority__code"))


def france_from_csv() -> tuple[list, list]:
    schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=FRANCE / "ips_ecoles.yaml")
    result = schools(), stored()
    SchoolMeasure.objects.all().delete()
    School.objects.all().delete()
    return result


@pytest.mark.parametrize(("file", "read_as"), [
    ("fr-en-ips_ecoles.json", "JSON, a list of records"),
    ("fr-en-ips_ecoles.parquet", "Parquet"),
])  # fmt: skip
def test_the_french_export_as_json_or_parquet_stores_what_the_csv_stores(file, read_as):
    expected = france_from_csv()
    report = schools_import(path=FRANCE / file, mapping=FRANCE / "ips_ecoles_export.yaml")
    assert report.read_as == read_as
    assert report.rows_created == 36
    assert (schools(), stored()) == expected


def census_from_csv(tmp_path) -> list:
    for urn in ("100000", "100001", "100002", "100003"):
        School.objects.create(registry_id=urn, name=urn)
    schools_import(path=sample("england_census.csv"), mapping="census")
    result = stored()
    SchoolMeasure.objects.all().delete()
    return result


def test_the_english_census_as_parquet_stores_what_the_csv_stores(tmp_path):
    expected = census_from_csv(tmp_path)
    report = schools_import(path=sample("england_census.parquet"), mapping="census")
    assert report.read_as == "Parquet"
    assert stored() == expected and expected


def test_an_object_of_records_gives_its_keys_as_the_column_key(tmp_path):
    expected = census_from_csv(tmp_path)
    mapping = tmp_path / "census.yaml"
    text = (MAPPINGS_DIR / "census.yaml").read_text()
    mapping.write_text(text.replace("id: URN", "id: key").replace("column: URN", "column: key"))
    report = schools_import(path=sample("england_census.json"), mapping=mapping)
    assert report.read_as == "JSON, an object of records (its keys in the column 'key')"
    assert stored() == expected


def test_json_lines_are_read_one_record_a_line(tmp_path):
    lines = json.loads((FRANCE / "fr-en-ips_ecoles.json").read_text(encoding="utf-8"))
    path = tmp_path / "ips.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines[:5]) + "\n", encoding="utf-8")
    report = schools_import(path=path, mapping=FRANCE / "ips_ecoles_export.yaml")
    assert (report.read_as, report.rows_created) == ("JSON, one record a line", 5)


def test_a_json_file_named_csv_is_read_as_json_and_the_report_says_so(tmp_path):
    path = tmp_path / "ips.csv"
    shutil.copy(FRANCE / "fr-en-ips_ecoles.json", path)
    report = schools_import(path=path, mapping=FRANCE / "ips_ecoles_export.yaml")
    assert report.notes[0] == "the file is named ips.csv but is JSON: it was read as JSON"
    assert report.rows_created == 36


def test_a_record_with_a_key_the_first_records_lack_is_a_problem_on_its_row(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "JSON_HEADER_RECORDS", 5)  # the columns: the first 5 records' keys
    path = tmp_path / "ips.json"
    text = (FRANCE / "fr-en-ips_ecoles.json").read_text(encoding="utf-8")
    path.write_text(text.replace('"ips": 130.6', '"ips": 130.6, "note": "new"'), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=FRANCE / "ips_ecoles_export.yaml")
    assert [(p.row, p.reason) for p in failed.value.report.problems] == [
        (9, "the record has keys the first records do not have: note")
    ]


def test_a_parquet_file_without_pyarrow_is_refused_with_a_message_that_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # as if the extra were not installed
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=FRANCE / "fr-en-ips_ecoles.parquet", mapping=FRANCE / "ips_ecoles_export.yaml")
    (problem,) = failed.value.report.problems
    assert problem.reason.startswith(
        "this is a Parquet file; this installation reads CSV, .xlsx, .ods, .xls and JSON"
    )
    assert not School.objects.exists()


def test_a_broken_json_file_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"uai": "1", "ips": 100}, {"uai": ', encoding="utf-8")
    table = open_table(path)
    assert list(table.rows()) == []
    assert table.problems[0].reason.startswith("cannot read the JSON file")
