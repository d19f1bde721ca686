"""The long measures file: school_id,measure,year,value,cohort."""

import pytest

from kindred.schools.importing import ImportFailed, measures_import
from kindred.schools.models import School, SchoolMeasure

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    return [School.objects.create(registry_id=rid, name=f"School {rid}") for rid in ("100000", "100001")]


def test_a_long_file_adds_values_suppressed_values_and_cohorts(write_csv, schools):
    path = write_csv(
        "measures.csv",
        [
            "school_id,measure,year,value,cohort",
            "100000,fsm_pct,2018,16.2%,285",
            "100000.0,ks2_reading_progress,2018,SUPP,9",
            "100001,fsm_pct,2018,NA,",
            "100001,absence_pct,2017,4.5,",
            "999999,fsm_pct,2018,12,100",
            ",,,,",
        ],
    )
    report = measures_import(path=path)
    assert report.measures.created == 3
    assert report.skipped == {"school id not in the registry": 1, "no value (not applicable or missing)": 1}
    assert report.rows_created + report.rows_skipped == report.rows == 5
    fsm = SchoolMeasure.objects.get(school=schools[0], measure__code="fsm_pct", year=2018)
    assert (fsm.value, fsm.cohort, fsm.suppressed) == (16.2, 285, False)
    reading = SchoolMeasure.objects.get(school=schools[0], measure__code="ks2_reading_progress")
    assert (reading.value, reading.cohort, reading.suppressed) == (None, 9, True)
    assert measures_import(path=path).rows_unchanged == 3


def test_a_file_without_a_cohort_column_keeps_stored_cohorts(write_csv, schools):
    measures_import(
        path=write_csv("a.csv", ["school_id,measure,year,value,cohort", "100000,fsm_pct,2018,16,285"])
    )
    report = measures_import(
        path=write_csv("b.csv", ["school_id,measure,year,value", "100000,fsm_pct,2018,17"])
    )
    assert report.measures.updated == 1
    stored = SchoolMeasure.objects.get(school=schools[0])
    assert (stored.value, stored.cohort) == (17.0, 285)


def test_unknown_codes_bad_years_and_repeats_import_nothing(write_csv, schools):
    path = write_csv(
        "measures.csv",
        [
            "school_id,measure,year,value,cohort",
            "100000,fsm_pct,2018,16,285",
            "100000,happiness,2018,9,",
            "100001,fsm_pct,next year,12,",
            "100000,fsm_pct,2018,16,285",
            "100001,eal_pct,2018,lots,",
        ],
    )
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=path)
    assert [(p.row, p.column) for p in failed.value.report.problems] == [
        (3, "measure"),
        (4, "year"),
        (5, "measure"),
        (6, "value"),
    ]
    assert SchoolMeasure.objects.count() == 0


def test_a_file_missing_a_required_column_says_which(write_csv, schools):
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=write_csv("m.csv", ["school_id,measure,value", "100000,fsm_pct,16"]))
    assert [(p.row, p.column) for p in failed.value.report.problems] == [(1, "year")]


def test_imports_and_rejections_are_written_to_the_audit_log(write_csv, schools, django_user_model):
    from kindred.audit.models import AuditEvent

    officer = django_user_model.objects.create_user(email="officer@example.org", password="x")
    good = write_csv("good.csv", ["school_id,measure,year,value,cohort", "100000,fsm_pct,2018,16.2,285"])
    measures_import(path=good, by=officer)
    event = AuditEvent.objects.get(action="import.measures")
    assert event.actor == officer and event.details["file"] == "good.csv"
    bad = write_csv("bad.csv", ["school_id,measure,year,value,cohort", "100000,no_such_measure,2018,1,1"])
    with pytest.raises(ImportFailed):
        measures_import(path=bad, by=officer)
    assert AuditEvent.objects.get(action="import.rejected").details["problems"] == 1
    assert SchoolMeasure.objects.count() == 1
