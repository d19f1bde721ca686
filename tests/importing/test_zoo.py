"""The zoo: one small messy file per case (tests/importing/zoo/), each with the mapping that
imports it, and the exact outcome: what is stored, what is reported, and that a file with a
problem leaves the database as it was."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kindred.schools.importing import ImportFailed, measures_import, schools_import
from kindred.schools.importing.mapping import mapping_load, place_code
from kindred.schools.models import LocalAuthority, MeasureDefinition, Region, School, SchoolMeasure

pytestmark = pytest.mark.django_db
ZOO = Path(__file__).resolve().parent / "zoo"


def zoo(name: str) -> Path:
    return ZOO / name


def value(registry_id: str, code: str) -> SchoolMeasure:
    return SchoolMeasure.objects.get(school__registry_id=registry_id, measure__code=code)


def problems_of(path: str, mapping: str, **kwargs) -> list[tuple[int, str, str | None, str]]:
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=zoo(path), mapping=zoo(mapping), **kwargs)
    return [(p.row, p.column, p.value, p.reason) for p in failed.value.report.problems]


def nothing_stored() -> bool:
    return not School.objects.exists() and not SchoolMeasure.objects.exists()


# Readers ----------------------------------------------------------------------------------------


def test_a_semicolon_separated_windows_1252_file_is_read_and_the_report_says_how():
    report = schools_import(path=zoo("semicolon_cp1252.csv"), mapping=zoo("semicolon_cp1252.yaml"))
    assert report.rows_created == 2
    assert report.read_as == "CSV, Windows-1252, semicolon-separated"
    assert report.summary()["read as"] == "CSV, Windows-1252, semicolon-separated"
    school = School.objects.get(registry_id="5002")
    assert (school.name, school.town, school.country, school.phase) == (
        "Oberschule Süd",
        "Bremen",
        "Germany",
        "primary",
    )
    assert value("5001", "fsm_pct").value == 12.5  # "12,5": a decimal comma in a semicolon file


def test_a_tab_separated_file_named_txt_is_read():
    report = schools_import(path=zoo("tab_separated.txt"), mapping=zoo("tab_separated.yaml"))
    assert report.read_as == "CSV, UTF-8, tab-separated"
    assert sorted(School.objects.values_list("name", "pupils")) == [
        ("Second Tab School", 95),
        ("Tab School", 120),
    ]


@pytest.mark.parametrize(("file", "read_as"), [
    ("results.xlsx", "Excel workbook (.xlsx), sheet 'Schools'"),
    ("results.ods", "OpenDocument spreadsheet (.ods), sheet 'Schools'"),
])  # fmt: skip
def test_a_spreadsheet_is_read_from_its_named_sheet_with_dates_numbers_and_codes(file, read_as):
    report = schools_import(path=zoo(file), mapping=zoo("spreadsheet.yaml"))
    assert report.read_as == read_as
    assert report.rows_created == 3
    assert sorted(School.objects.values_list("registry_id", "name", "opened_on", "pupils")) == [
        ("7101", "Spreadsheet Primary", date(2015, 9, 1), 210),
        ("7102", "Workbook Academy", date(2011, 4, 1), 1020),
        ("7103", "Calc College", None, 88),  # 7103.0 in the sheet: an id, not a decimal
    ]
    assert value("7102", "fsm_pct").value == 30
    assert value("7103", "fsm_pct").suppressed


def test_a_workbook_has_its_other_sheets_named_and_an_unknown_sheet_is_a_clear_problem():
    report = schools_import(path=zoo("results.xlsx"), mapping=zoo("spreadsheet.yaml"))
    assert "the workbook has 2 sheets; sheet 'Schools' was read" in " ".join(report.notes)
    School.objects.all().delete()
    assert problems_of("results.xlsx", "spreadsheet.yaml", sheet="Results") == [
        (0, "", "Results", "the workbook has no sheet 'Results'; its sheets are: 'About', 'Schools'")
    ]
    assert nothing_stored()


def test_a_workbook_renamed_csv_is_read_as_a_workbook_and_the_report_says_so():
    report = schools_import(path=zoo("xlsx_named.csv"), mapping=zoo("spreadsheet.yaml"))
    assert report.rows_created == 3
    assert (
        report.notes[0]
        == "the file is named xlsx_named.csv but is an Excel workbook (.xlsx): it was read as one"
    )


# Mapping language -------------------------------------------------------------------------------


def test_bands_are_stored_as_their_middle_with_their_bounds_and_a_flag():
    report = schools_import(path=zoo("bands.csv"), mapping=zoo("bands.yaml"))
    assert report.values_banded == 5
    a = value("8001", "attendance_pct")
    assert (a.value, a.banded, a.band_lower, a.band_upper) == (98.5, True, 97, 100)
    b = value("8002", "attendance_pct")
    assert (b.value, b.band_lower, b.band_upper) == (52.5, 50, 55)
    c = value("8003", "attendance_pct")
    assert (c.value, c.banded, c.band_lower, c.band_upper) == (92.5, False, None, None)
    under_five = value("8001", "eal_pct")  # "<5": closed below by the percentage's 0
    assert (under_five.value, under_five.band_lower, under_five.band_upper) == (2.5, None, 5)
    over = value("8003", "eal_pct")  # ">95": closed above by 100
    assert (over.value, over.band_lower, over.band_upper) == (97.5, 95, None)


def test_a_code_the_mapping_calls_missing_is_not_stored_while_suppressed_codes_are():
    report = schools_import(
        path=zoo("missing_not_suppressed.csv"), mapping=zoo("missing_not_suppressed.yaml")
    )
    assert not SchoolMeasure.objects.filter(school__registry_id="9001", measure__code="fsm_pct").exists()
    assert not SchoolMeasure.objects.filter(
        school__registry_id="9002", measure__code="ks4_progress8"
    ).exists()
    assert value("9003", "fsm_pct").suppressed and value("9003", "ks4_progress8").suppressed
    assert (report.values_missing, report.values_suppressed) == (2, 2)


def test_a_count_becomes_a_percentage_of_its_denominator_and_fractions_are_scaled():
    schools_import(path=zoo("counts_and_fractions.csv"), mapping=zoo("counts_and_fractions.yaml"))
    fsm = value("1101", "fsm_pct")
    assert (fsm.value, fsm.cohort) == (25.0, 200)  # 50 of 200; the denominator is the cohort
    assert value("1102", "fsm_pct").value == 0
    assert value("1101", "eal_pct").value == 12.5
    assert value("1102", "eal_pct").value == 50


def test_a_zero_denominator_is_a_problem_naming_its_column(tmp_path):
    path = tmp_path / "zero.csv"
    path.write_text("URN,School,Pupils,Pupils FSM,EAL share\n1103,Empty School,0,0,0\n")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=zoo("counts_and_fractions.yaml"))
    assert [(p.row, p.column, p.value, p.reason) for p in failed.value.report.problems] == [
        (2, "Pupils", "0", "the denominator (Pupils) is 0: no percentage can be made")
    ]
    assert nothing_stored()


def test_fractions_in_a_percentage_column_are_refused_until_the_mapping_scales_them():
    assert problems_of("fractions_unscaled.csv", "fractions_unscaled.yaml") == [
        (
            1,
            "EAL share",
            None,
            "every value is between 0 and 1: fractions, not percentages? Add 'scale: 100' to the measure "
            "(or 'scale: 1' if they really are percentages below 1)",
        )
    ]
    assert nothing_stored()


def test_an_id_made_of_two_columns_keeps_two_departments_apart():
    report = schools_import(path=zoo("composite_id.csv"), mapping=zoo("composite_id.yaml"))
    assert report.rows_created == 3
    assert sorted(School.objects.values_list("registry_id", "name")) == [
        ("3001-1", "Lycée Nord (general)"),
        ("3001-2", "Lycée Nord (vocational)"),
        ("3002-1", "Lycée Sud"),
    ]


def test_authorities_and_regions_known_by_name_get_codes_and_not_applicable_is_no_region():
    schools_import(path=zoo("named_places.csv"), mapping=zoo("named_places.yaml"))
    long_name = "Metropolitan Borough Council of the North Riding"
    north = LocalAuthority.objects.get(name=long_name)
    assert north.code == place_code(long_name)
    assert len(north.code) <= 32 and north.code.startswith("metropolitan-borough-co-")
    assert (
        north.code != LocalAuthority.objects.get(name="Metropolitan Borough Council of the South Riding").code
    )
    assert LocalAuthority.objects.get(name="Westshire").code == "westshire"
    assert list(Region.objects.values_list("code", "name")) == [("north", "North")]
    assert School.objects.get(registry_id="4002").region is None
    assert School.objects.get(registry_id="4001").region.name == "North"


def test_a_year_column_gives_each_row_its_year():
    schools_import(path=zoo("year_column.csv"), mapping=zoo("year_column.yaml"))
    assert value("5101", "absence_pct").year == 2021
    assert value("5102", "absence_pct").year == 2022


def test_a_file_without_a_year_needs_one_on_the_command_line(capsys):
    assert problems_of("no_year.csv", "no_year.yaml") == [
        (0, "", None, "the file's year is not known: give 'year:' in the mapping, or --year when importing")
    ]
    call_command(
        "import", "schools", str(zoo("no_year.csv")), "--mapping", str(zoo("no_year.yaml")), "--year", "2024"
    )
    assert value("5201", "absence_pct").year == 2024


# Validation -------------------------------------------------------------------------------------


def test_shifted_columns_are_refused_each_with_row_column_and_value():
    assert problems_of("shifted_columns.csv", "shifted_columns.yaml") == [
        (2, "FSM", "38542", "above the largest value fsm_pct can take (100)"),
        (3, "Attendance", "8028", "above the largest value attendance_pct can take (100)"),
        (
            4,
            "Pupils",
            "1000000000000",
            "more than 1,000,000 pupils: not a school's count (a shifted column?)",
        ),
        (5, "FSM", "-3", "below the smallest value fsm_pct can take (0)"),
    ]
    assert nothing_stored()
    assert not MeasureDefinition.objects.filter(code="attendance_pct").exists()


def test_swapped_latitude_and_longitude_and_a_point_outside_the_country_are_named():
    assert problems_of("coordinates.csv", "coordinates.yaml") == [
        (3, "Latitude", "-0.75, 52.52", "latitude and longitude look swapped"),
        (
            4,
            "Latitude",
            "40.4, -3.7",
            "the point is outside the country (latitude 49.8 to 55.9, longitude -6.5 to 1.8)",
        ),
    ]
    assert nothing_stored()


def test_swapped_easting_and_northing_and_a_bad_northing_are_named_under_the_right_column():
    assert problems_of("grid.csv", "grid.yaml") == [
        (3, "Easting", "866000, 266000", "easting and northing look swapped"),
        (4, "Northing", "1900000", "a northing must be between 0 and 1,300,000 metres"),
    ]
    assert nothing_stored()


def test_a_mapping_may_declare_its_country_bounds(tmp_path):
    mapping = tmp_path / "spain.yaml"
    mapping.write_text(
        "id: URN\nschools:\n  fields: {name: Name}\n"
        "  coordinates: {latitude: Latitude, longitude: Longitude, bounds: [27.6, -18.2, 43.8, 4.4]}\n"
    )
    rows = ["URN,Name,Latitude,Longitude", "1,Madrid School,40.4,-3.7"]
    path = tmp_path / "spain.csv"
    path.write_text("\n".join(rows) + "\n")
    schools_import(path=path, mapping=mapping)
    assert School.objects.get().latitude == 40.4


# Definitions ------------------------------------------------------------------------------------


def test_a_long_file_brings_its_own_measures_with_a_definitions_file(capsys):
    School.objects.create(registry_id="100000", name="A")
    School.objects.create(registry_id="100001", name="B")
    with pytest.raises(CommandError):
        call_command("import", "measures", str(zoo("long_measures.csv")), "--no-progress")
    assert "3 problems, of 1 cause(s)" in capsys.readouterr().err
    call_command(
        "import",
        "measures",
        str(zoo("long_measures.csv")),
        "--definitions",
        str(zoo("long_measures_definitions.yaml")),
        "--no-progress",
    )
    wellbeing = MeasureDefinition.objects.get(code="wellbeing_index")
    assert (wellbeing.valid_min, wellbeing.valid_max, wellbeing.pupil_sd) == (0, 100, 15)
    assert wellbeing.pupil_sd_source == "Survey technical report, table 3"
    assert value("100001", "reading_age").value == 10.25


def test_a_definitions_file_range_is_checked_on_the_values(tmp_path):
    School.objects.create(registry_id="100000", name="A")
    path = tmp_path / "m.csv"
    path.write_text("school_id,measure,year,value\n100000,reading_age,2023,40\n")
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=path, definitions=zoo("long_measures_definitions.yaml"))
    assert [(p.row, p.column, p.value, p.reason) for p in failed.value.report.problems] == [
        (2, "value", "40", "above the largest value reading_age can take (18)")
    ]
    assert not MeasureDefinition.objects.filter(code="reading_age").exists()


def test_a_mapping_definition_is_kept_even_when_no_column_reads_it(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "id: URN\nschools:\n  fields: {name: Name}\n"
        "define_measures:\n  - {code: library_visits, name: Library visits, unit: score, valid_min: 0}\n"
    )
    path = tmp_path / "s.csv"
    path.write_text("URN,Name\n1,A school\n")
    schools_import(path=path, mapping=mapping)
    assert MeasureDefinition.objects.get(code="library_visits").valid_min == 0


def test_every_zoo_mapping_loads():
    for path in sorted(ZOO.glob("*.yaml")):
        if path.name != "long_measures_definitions.yaml":
            assert mapping_load(path).description, path.name


def test_a_field_missing_code_and_a_value_map_on_a_measure_say_no_value(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "id: URN\nyear: 2020\nschools:\n  fields:\n    name: Name\n"
        "    town: {column: Town, missing: [Unknown, '-']}\n"
        "measures:\n  - {column: Selective, measure: selective, values: {'Yes': 1, 'No': 0, 'Not known': null}}\n"
    )
    path = tmp_path / "s.csv"
    path.write_text("URN,Name,Town,Selective\n1,A,Unknown,Yes\n2,B,Leeds,Not known\n3,C,-,No\n")
    report = schools_import(path=path, mapping=mapping)
    assert sorted(School.objects.values_list("registry_id", "town")) == [("1", ""), ("2", "Leeds"), ("3", "")]
    assert sorted(SchoolMeasure.objects.values_list("school__registry_id", "value")) == [
        ("1", 1.0),
        ("3", 0.0),
    ]
    assert report.values_missing == 1


def test_a_count_too_large_for_postgresql_is_refused_with_a_message_not_a_traceback(tmp_path):
    School.objects.create(registry_id="100000", name="A")
    path = tmp_path / "m.csv"
    path.write_text(
        "school_id,measure,year,value,cohort\n100000,fsm_pct,2018,16,1e12\n100000,eal_pct,2018,1e12,20\n"
    )
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=path)
    assert [(p.row, p.column, p.value, p.reason) for p in failed.value.report.problems] == [
        (2, "cohort", "1e12", "more than 1,000,000 pupils: not a school's count (a shifted column?)"),
        (3, "value", "1e12", "above the largest value eal_pct can take (100)"),
    ]
    assert not SchoolMeasure.objects.exists()


def test_a_denominator_that_is_not_a_number_is_a_problem_even_beside_a_missing_count(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("URN,School,Pupils,Pupils FSM,EAL share\n1,A,lots,,0.1\n2,B,many,5,0.1\n")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=zoo("counts_and_fractions.yaml"))
    assert [(p.row, p.column, p.value) for p in failed.value.report.problems] == [
        (2, "Pupils", "lots"),
        (3, "Pupils", "many"),
    ]
