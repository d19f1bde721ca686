"""Broken copies of the real files: each kind of mess a published file has."""

import csv
import io

import pytest

from kindred.schools.importing import ImportFailed, schools_import
from kindred.schools.models import School, SchoolMeasure

from .conftest import sample

pytestmark = pytest.mark.django_db


def ks2_rows(count: int = 20) -> tuple[list[str], list[list[str]]]:
    """The header and the first `count` rows of the real KS2 file, as cells."""
    with sample("england_ks2final.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [next(reader) for _ in range(count)]


def as_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().splitlines()


def set_cell(header, row, column, value):
    row[header.index(column)] = value


def measure(registry_id: str, code: str) -> SchoolMeasure:
    return SchoolMeasure.objects.get(school__registry_id=registry_id, measure__code=code, year=2018)


@pytest.mark.parametrize(
    ("encoding", "newline", "bom"),
    [("utf-8", "\n", False), ("utf-8", "\r\n", True), ("cp1252", "\r\n", False), ("utf-16", "\r\n", False)],
)
def test_the_same_rows_import_alike_whatever_the_encoding_line_endings_and_bom(
    write_csv, encoding, newline, bom
):
    header, rows = ks2_rows(5)
    set_cell(header, rows[0], "SCHNAME", "École Saint-Étienne")
    path = write_csv("ks2.csv", as_lines(header, rows), encoding=encoding, newline=newline, bom=bom)
    report = schools_import(path=path, mapping="ks2final")
    assert report.rows == report.rows_created == 5
    assert School.objects.get(registry_id=rows[0][1]).name == "École Saint-Étienne"
    assert measure("141279", "ks2_reading_progress").value == 2.6


def test_a_byte_order_mark_does_not_hide_the_first_column(write_csv):
    header, rows = ks2_rows(3)
    header[0], rows = "URN", [[r[1], r[2]] for r in rows]
    path = write_csv("grammar.csv", as_lines(["URN", "SCHNAME"], rows), bom=True)
    School.objects.create(registry_id=rows[0][0], name=rows[0][1])
    report = schools_import(path=path, mapping="grammar_schools")
    assert report.rows_created == 1
    assert report.skipped == {"school id not in the registry": 2}


@pytest.mark.parametrize("code", ["SUPP", "LOWCOV", "c", "[c]", "-999"])
def test_suppressed_value_is_stored_as_suppressed_not_zero(write_csv, code):
    header, rows = ks2_rows(3)
    set_cell(header, rows[0], "READPROG", code)
    schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    stored = measure("141279", "ks2_reading_progress")
    assert (stored.value, stored.suppressed) == (None, True)


@pytest.mark.parametrize("code", ["NA", "z", "NE", "NP", "x", ""])
def test_not_applicable_value_stores_nothing_and_is_counted(write_csv, code):
    header, rows = ks2_rows(3)
    set_cell(header, rows[0], "READPROG", code)
    report = schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    assert not SchoolMeasure.objects.filter(
        school__registry_id="141279", measure__code="ks2_reading_progress"
    )
    assert report.values_missing == 1
    assert report.summary()["values not applicable or missing (nothing stored)"] == 1


def test_percentages_written_with_a_percent_sign_are_numbers(write_csv):
    with sample("england_ks4final.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header, rows = next(reader), [next(reader) for _ in range(12)]
    set_cell(header, rows[10], "PTL2BASICS_95", "8.30%")
    schools_import(path=write_csv("ks4.csv", as_lines(header, rows)), mapping="ks4final")
    assert measure(rows[10][1], "ks4_basics_pct").value == 8.3


def test_ids_written_as_decimals_match_the_registry(write_csv):
    header, rows = ks2_rows(3)
    schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    set_cell(header, rows[0], "URN", "141279.0")
    set_cell(header, rows[0], "READPROG", "1.5")
    report = schools_import(path=write_csv("ks2b.csv", as_lines(header, rows)), mapping="ks2final")
    assert report.rows_updated == 1
    assert not School.objects.filter(registry_id="141279.0").exists()
    assert measure("141279", "ks2_reading_progress").value == 1.5


def test_blank_trailing_rows_are_ignored_and_counted(write_csv):
    header, rows = ks2_rows(3)
    lines = [*as_lines(header, rows), "", ",,,,,,", "   ", ""]
    report = schools_import(path=write_csv("ks2.csv", lines, newline="\r\n"), mapping="ks2final")
    assert report.rows == report.rows_created == 3
    assert report.blank_rows == 4
    assert report.summary()["blank rows ignored"] == 4


def test_total_rows_without_an_id_are_skipped_with_a_reason(write_csv):
    lines = sample("england_abs.csv").read_text(encoding="utf-8-sig").splitlines()
    School.objects.create(registry_id="100000", name="Sir John Cass's Foundation Primary School")
    report = schools_import(path=write_csv("abs.csv", lines[:4] + lines[-3:]), mapping="abs")
    assert report.skipped == {"a national total": 3, "school id not in the registry": 2}
    assert report.rows_created == 1
    assert measure("100000", "absence_pct").value == 2.6


def test_a_file_with_hard_errors_imports_nothing_and_reports_every_problem(write_csv):
    header, rows = ks2_rows(8)
    set_cell(header, rows[2], "READPROG", "about two")
    set_cell(header, rows[4], "LATITUDE", "152.5")
    set_cell(header, rows[5], "PHASE", "Kindergarten")
    rows[6][1] = rows[0][1]  # the same URN twice
    path = write_csv("ks2.csv", as_lines(header, rows))
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping="ks2final")
    problems = {(p.row, p.column) for p in failed.value.report.problems}
    assert problems == {(4, "READPROG"), (6, "LATITUDE"), (7, "PHASE"), (8, "URN")}
    reasons = " ".join(str(p) for p in failed.value.report.problems)
    assert "value 'about two': not a number" in reasons
    assert "already on row 2" in reasons
    assert School.objects.count() == 0
    assert SchoolMeasure.objects.count() == 0


def test_a_file_without_a_column_the_mapping_needs_imports_nothing(write_csv):
    header, rows = ks2_rows(3)
    at = header.index("MATPROG")
    header = header[:at] + header[at + 1 :]
    rows = [r[:at] + r[at + 1 :] for r in rows]
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    assert [(p.row, p.column) for p in failed.value.report.problems] == [(1, "MATPROG")]
    assert School.objects.count() == 0


def test_a_row_longer_than_the_header_is_a_problem(write_csv):
    header, rows = ks2_rows(3)
    rows[1] = [*rows[1], "stray"]
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    assert failed.value.report.problems[0].row == 3


def test_importing_the_same_file_twice_changes_nothing(write_csv):
    header, rows = ks2_rows(20)
    path = write_csv("ks2.csv", as_lines(header, rows))
    first = schools_import(path=path, mapping="ks2final")
    second = schools_import(path=path, mapping="ks2final")
    assert first.rows_created == 20
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 20)
    assert second.measures.created == second.measures.updated == 0


def test_a_changed_value_is_updated_and_counted(write_csv):
    header, rows = ks2_rows(5)
    schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    set_cell(header, rows[1], "WRITPROG", "SUPP")
    report = schools_import(path=write_csv("ks2b.csv", as_lines(header, rows)), mapping="ks2final")
    assert (report.rows_updated, report.rows_unchanged) == (1, 4)
    assert report.measures.updated == 1
    assert measure(rows[1][1], "ks2_writing_progress").suppressed


def test_an_empty_name_is_a_problem_even_for_a_school_already_in_the_registry(write_csv, tmp_path):
    header, rows = ks2_rows(3)
    schools_import(path=write_csv("ks2.csv", as_lines(header, rows)), mapping="ks2final")
    renames = tmp_path / "renames.yaml"
    renames.write_text("id: URN\nschools:\n  create: false\n  fields:\n    name: SCHNAME\n")
    set_cell(header, rows[1], "SCHNAME", "  ")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=write_csv("ks2b.csv", as_lines(header, rows)), mapping=renames)
    assert [(p.row, p.column, p.reason) for p in failed.value.report.problems] == [
        (3, "SCHNAME", "a school needs a name")
    ]
    assert School.objects.get(registry_id=rows[1][1]).name


def test_a_file_that_is_not_csv_text_is_refused_and_imports_nothing(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x00\x00\x00" * 20)
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping="ks2final")
    assert failed.value.report.problems
    assert School.objects.count() == 0


def test_the_number_of_queries_does_not_grow_with_the_rows(write_csv, django_assert_max_num_queries):
    header, rows = ks2_rows(200)
    small = write_csv("small.csv", as_lines(header, rows[:10]))
    large = write_csv("large.csv", as_lines(header, rows[10:]))
    schools_import(path=small, mapping="ks2final")
    # four more queries than the writes themselves: the measures' valid ranges, regions from
    # authorities, the links waiting for new schools, and the audit event
    with django_assert_max_num_queries(20):
        report = schools_import(path=large, mapping="ks2final")
    assert report.schools.created == 190
