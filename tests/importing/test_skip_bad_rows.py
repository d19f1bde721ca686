"""A file whose rows are partly wrong: all-or-nothing by default, or (asked for, per import) the
bad rows skipped, each listed with its reason, and the rest stored; and skip rules in the mapping
by a column's text or by a number outside a range. Proved on real published files of two
countries (England's KS2 results and census, France's social position index of schools)."""

import csv

import pytest
import yaml
from django.core.management import CommandError, call_command

from kindred.schools.importing import ImportFailed, schools_import
from kindred.schools.models import LocalAuthority, MeasureDefinition, School, SchoolMeasure

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db


def ips_mapping(tmp_path, **changes):
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "ips.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def percent_by_mistake(tmp_path):
    """A mapping that declares the IPS a percentage: every school above 100 is refused."""
    definition = {"code": "ips", "name": "IPS", "unit": "percent", "kind": "context"}
    return ips_mapping(tmp_path, define_measures=[definition])


def rows_above_100() -> list[int]:
    with (FRANCE / "fr-en-ips_ecoles.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return [number for number, row in enumerate(rows, start=2) if float(row["IPS"]) > 100]


def test_the_french_file_imports_whole_with_its_own_measure(tmp_path):
    report = schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=FRANCE / "ips_ecoles.yaml")
    assert report.rows_created == 36
    assert report.read_as == "CSV, UTF-8, semicolon-separated"
    school = School.objects.get(registry_id="0352865Z")
    assert (school.name, school.town, school.phase, school.local_authority.name) == (
        "ECOLE PRIMAIRE PRIVEE DIWAN",
        "FOUGERES",
        "primary",
        "ILLE-ET-VILAINE",
    )
    ips = SchoolMeasure.objects.get(school=school, measure__code="ips")
    assert (ips.value, ips.year) == (130.6, 2021)


def test_a_file_with_bad_rows_imports_nothing_by_default(tmp_path):
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=percent_by_mistake(tmp_path))
    problems = failed.value.report.problems
    assert [p.row for p in problems] == rows_above_100()
    assert {p.reason for p in problems} == {"above the largest value ips can take (100)"}
    assert not School.objects.exists() and not MeasureDefinition.objects.filter(code="ips").exists()


def test_skipping_bad_rows_stores_the_rest_and_lists_each_skipped_row_with_its_reason(tmp_path):
    bad = rows_above_100()
    report = schools_import(
        path=FRANCE / "fr-en-ips_ecoles.csv", mapping=percent_by_mistake(tmp_path), skip_bad_rows=True
    )
    assert len(bad) == 19
    assert report.rows_created == 36 - len(bad)
    assert report.skipped == {"a problem in the row (each listed in the report)": len(bad)}
    assert [(p.row, p.column) for p in report.skipped_problems] == [(row, "IPS") for row in bad]
    assert report.skipped_problems[0].value == "115.7"
    assert School.objects.count() == SchoolMeasure.objects.count() == 36 - len(bad)
    assert not School.objects.filter(registry_id="0352443R").exists()  # IPS 115.7: skipped
    assert SchoolMeasure.objects.get(school__registry_id="0352519Y").value == 84.3
    # the authorities named only by skipped rows are not created
    assert set(LocalAuthority.objects.values_list("code", flat=True)) == {"035", "036", "037", "038"}


def test_an_english_file_with_a_type_the_value_map_forgot_skips_those_schools_on_request(tmp_path):
    mapping = tmp_path / "ks2.yaml"
    mapping.write_text(
        "id: URN\nyear: 2018\nschools:\n  fields:\n    name: SCHNAME\n"
        "    phase: {column: SCHTYPE, values: {Academy: primary, Maintained school: primary}}\n"
        "measures:\n  - {column: READPROG, measure: ks2_reading_progress}\n"
    )
    path = sample("england_ks2final.csv")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=mapping)
    assert {p.value for p in failed.value.report.problems} == {"Special school"}
    report = schools_import(path=path, mapping=mapping, skip_bad_rows=True)
    assert len(report.skipped_problems) == 5
    assert report.rows_created == report.rows - 5
    assert not School.objects.filter(registry_id__in=[p.row for p in report.skipped_problems]).exists()
    assert {p.reason for p in report.skipped_problems} == {"not in the mapping's values for phase"}


def test_the_command_skips_bad_rows_and_writes_them_to_the_errors_file(tmp_path, capsys):
    errors = tmp_path / "skipped.csv"
    mapping = percent_by_mistake(tmp_path)
    file = str(FRANCE / "fr-en-ips_ecoles.csv")
    with pytest.raises(CommandError):
        call_command("import", "schools", file, "--mapping", str(mapping), "--no-progress")
    assert not School.objects.exists()
    call_command(
        "import", "schools", file, "--mapping", str(mapping), "--skip-bad-rows", "--errors", str(errors)
    )
    out = capsys.readouterr()
    assert "17 created, 0 updated, 0 unchanged, 19 skipped" in out.out
    assert "Rows skipped for their problems:" in out.err
    lines = errors.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,column,value,reason" and len(lines) == 20
    assert lines[1] == "2,IPS,115.7,above the largest value ips can take (100)"


def test_a_problem_of_the_whole_file_still_stops_an_import_that_skips_bad_rows(tmp_path):
    mapping = ips_mapping(tmp_path, measures=[{"column": "Indice", "measure": "ips"}])
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping, skip_bad_rows=True)
    assert [(p.row, p.column) for p in failed.value.report.problems] == [(1, "Indice")]
    assert not School.objects.exists()


def test_skip_rules_by_a_column_text_and_by_a_number_outside_a_range(tmp_path):
    mapping = ips_mapping(
        tmp_path,
        skip=[
            {"column": "Secteur", "values": ["privé sous contrat"], "reason": "a private school"},
            {"column": "IPS", "below": 80, "reason": "an IPS below 80"},
        ],
    )
    report = schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping)
    assert report.skipped == {"a private school": 6, "an IPS below 80": 2}
    assert report.rows_created == 28
    assert not School.objects.filter(school_type="privé sous contrat").exists()
    assert not SchoolMeasure.objects.filter(value__lt=80).exists()


def test_a_skip_rule_by_ids_and_by_range_on_the_english_census(tmp_path):
    for urn in ("100000", "100001", "100002"):
        School.objects.create(registry_id=urn, name=urn)
    mapping = tmp_path / "census.yaml"
    mapping.write_text(
        "id: URN\nyear: 2018\n"
        "skip:\n  - {column: URN, values: [100001], reason: a school the authority says is wrong}\n"
        "  - {column: NOR, above: 400, reason: more than 400 pupils}\n"
        "measures:\n  - {column: PNUMFSMEVER, measure: fsm_pct, cohort: NOR}\n"
    )
    report = schools_import(path=sample("england_census.csv"), mapping=mapping)
    assert report.skipped["a school the authority says is wrong"] == 1
    assert report.skipped["more than 400 pupils"] >= 1
    assert not SchoolMeasure.objects.filter(school__registry_id="100001").exists()
    assert not SchoolMeasure.objects.filter(cohort__gt=400).exists()
