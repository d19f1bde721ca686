"""Long files with their own column names and ids: an id template that composes or rewrites an
id, and a long mapping that pivots (grade, group, ...) to measure codes. On real files of three
systems: New York City's attendance (long by grade, year and group; DBN ids), France's collèges
(long by year) and England's census (an id composed from LA and ESTAB)."""

import csv

import pytest
import yaml

from kindred.schools.importing import ImportFailed, MappingError, schools_import
from kindred.schools.importing.mapping import mapping_parse
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, HERE, sample

pytestmark = pytest.mark.django_db
NYC = HERE / "data" / "new-york-2018"


def values(code: str) -> dict:
    return {
        (m.school.registry_id, m.year): (m.value, m.suppressed)
        for m in SchoolMeasure.objects.filter(measure__code=code).select_related("school")
    }


def test_new_york_schools_come_from_the_long_file_rewritten_to_the_registrys_ids():
    report = schools_import(path=NYC / "attendance_chronic_absenteeism.csv", mapping=NYC / "schools.yaml")
    assert report.rows_created == 6
    assert report.skipped == {
        "not kept: year is not 2017-18": 21,
        "not kept: demographic_category is not All Students": 12,
    }
    assert School.objects.get(registry_id="NY-09X263").name == "Validus Preparatory Academy"


def test_the_long_attendance_file_is_pivoted_to_measures_and_the_rest_counted():
    schools_import(path=NYC / "attendance_chronic_absenteeism.csv", mapping=NYC / "schools.yaml")
    report = schools_import(path=NYC / "attendance_chronic_absenteeism.csv", mapping=NYC / "attendance.yaml")
    assert values("attendance_pct") == {
        ("NY-09X263", 2017): (78.4, False),
        ("NY-02M543", 2016): (86.1, False),
        ("NY-02M543", 2017): (84.4, False),
        ("NY-08X367", 2016): (83.5, False),
        ("NY-08X367", 2017): (86.7, False),
        ("NY-11X275", 2016): (87.2, False),
        ("NY-11X275", 2017): (87.2, False),
        ("NY-12X251", 2016): (80.8, False),
        ("NY-12X251", 2017): (82.9, False),
        ("NY-14K474", 2016): (84.1, False),
        ("NY-14K474", 2017): (84.1, False),
    }
    assert values("persistent_absence_pct")[("NY-09X263", 2017)] == (62.0, False)
    assert values("attendance_poverty_pct") == {
        ("NY-09X263", 2016): (80.1, False),
        ("NY-09X263", 2017): (78.0, False),
        ("NY-02M543", 2017): (83.3, False),
        ("NY-08X367", 2017): (85.9, False),
    }
    read = 11 + 4
    assert report.rows_created == read
    assert report.skipped == {"a measure the mapping does not read": 39 - read}


def test_the_same_school_measure_and_year_twice_in_a_long_file_is_a_problem(tmp_path):
    schools_import(path=NYC / "attendance_chronic_absenteeism.csv", mapping=NYC / "schools.yaml")
    lines = (NYC / "attendance_chronic_absenteeism.csv").read_text().splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[1].replace("78.4", "79.0")]) + "\n")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=NYC / "attendance.yaml")
    assert [(p.row, p.value, p.reason) for p in failed.value.report.problems][:1] == [
        (41, "NY-09X263 attendance_pct 2017", "this school, measure and year are already on row 2")
    ]


def test_the_french_colleges_file_gives_each_school_one_value_a_year():
    with (FRANCE / "fr-en-ips_colleges.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):  # the registry has the collèges
            School.objects.get_or_create(
                registry_id=row["UAI"], defaults={"name": row["Nom de l'établissment"]}
            )
    schools_import(path=FRANCE / "fr-en-ips_colleges.csv", mapping=FRANCE / "ips_colleges.yaml")
    ips = values("ips")
    assert {year: v for (uai, year), v in ips.items() if uai == "0590099M"} == {
        2016: (72.9, False),
        2017: (70.3, False),
        2018: (68.3, False),
    }
    assert len(ips) == 18
    assert not SchoolMeasure.objects.filter(measure__code="ips_sd").exists()  # not published then


def test_a_schools_mapping_refuses_the_same_school_twice_where_a_long_mapping_reads_it(tmp_path):
    data = yaml.safe_load((FRANCE / "ips_colleges.yaml").read_text(encoding="utf-8"))
    data.update(rows="schools", schools={"fields": {"name": "Nom de l'établissment"}})
    mapping = tmp_path / "wide.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=FRANCE / "fr-en-ips_colleges.csv", mapping=mapping)
    assert {p.reason.split(" on row")[0] for p in failed.value.report.problems} == {"the id is already"}


def test_an_id_composed_from_la_and_estab_finds_schools_registered_by_their_laestab(tmp_path):
    School.objects.create(registry_id="2013614", name="Sir John Cass's Foundation Primary School")
    mapping = tmp_path / "census.yaml"
    mapping.write_text(
        "id: {template: '{LA}{ESTAB:04}'}\nyear: 2018\nschools: {create: false}\n"
        "skip:\n  - {column: URN, values: [NAT], reason: a national total}\n"
        "measures:\n  - {column: PNUMFSMEVER, measure: fsm_pct, cohort: NOR}\n"
    )
    report = schools_import(path=sample("england_census.csv"), mapping=mapping)
    assert report.rows_created == 1
    stored = SchoolMeasure.objects.get()
    assert (stored.school.registry_id, stored.value, stored.cohort) == ("2013614", 16.2, 285)


def test_a_long_file_whose_column_holds_the_codes_needs_no_pivot_codes(tmp_path):
    School.objects.create(registry_id="NY-09X263", name="Validus")
    path = tmp_path / "own.csv"
    path.write_text(
        "DBN;Indicator;School year;Figure\n09X263;absence_pct;2017-18;21,6\n09X263;no_such;2017-18;1\n"
    )
    mapping = tmp_path / "own.yaml"
    mapping.write_text(
        "rows: long\nid: {template: 'NY-{DBN}'}\nyear: {column: School year}\ndecimal_comma: true\n"
        "long: {value: Figure, measure: {columns: [Indicator]}}\n"
    )
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=mapping)
    assert [(p.row, p.column, p.value) for p in failed.value.report.problems] == [(3, "Indicator", "no_such")]
    path.write_text("DBN;Indicator;School year;Figure\n09X263;absence_pct;2017-18;21,6\n")
    schools_import(path=path, mapping=mapping)
    assert values("absence_pct") == {("NY-09X263", 2017): (21.6, False)}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"rows": "long", "id": "A", "year": 2018}, "long: a long mapping needs 'long'"),
        (
            {"rows": "long", "id": "A", "year": 2018, "long": {"measure": {"columns": ["a", "b"]}, "value": "v"}},
            "long.measure: several columns need 'codes'",
        ),
        (
            {
                "rows": "long", "id": "A", "year": 2018,
                "long": {"value": "v", "measure": {"columns": ["a", "b"], "codes": [{"when": ["x"], "measure": "fsm_pct"}]}},
            },
            "codes[0]: give one text for each of the 2 columns",
        ),
        (
            {
                "rows": "long", "id": "A", "year": 2018,
                "long": {"value": "v", "measure": {"columns": ["a"], "codes": [{"when": ["x"], "measure": "nope"}]}},
            },
            "long.measure.codes[0]: unknown measure code 'nope'",
        ),
        ({"rows": "long", "id": "A", "schools": {"fields": {"name": "N"}}, "measures": [{"column": "X", "measure": "fsm_pct"}]}, "schools: not used in a long mapping"),
        ({"id": {"template": "{dbn[2:}"}}, "id: a template names columns in braces"),
    ],
)  # fmt: skip
def test_a_long_mapping_with_a_mistake_says_where(data, expected):
    with pytest.raises(MappingError) as raised:
        mapping_parse(data)
    assert expected in str(raised.value)
