"""Constraints and indexes dropped for a bulk load come back, and still catch bad rows."""

import pytest
from django.db import IntegrityError, connection, transaction

from kindred.core.bulk import bulk_insert, foreign_keys_validated_after, indexes_rebuilt_after
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: elsewhere it does nothing"
)


def foreign_keys(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        return cursor.fetchall()


@postgresql_only
def test_foreign_keys_are_restored_exactly_after_the_load():
    before = foreign_keys("schools_schoolmeasure")
    assert len(before) == 2
    with transaction.atomic(), foreign_keys_validated_after(SchoolMeasure):
        assert foreign_keys("schools_schoolmeasure") == []
    assert foreign_keys("schools_schoolmeasure") == before


@postgresql_only
def test_a_dangling_reference_loaded_meanwhile_is_still_refused():
    school = School.objects.create(registry_id="100", name="A school")
    measure = MeasureDefinition.objects.create(code="x", name="X", domain="d", kind="outcome")
    columns = ["school_id", "measure_id", "year", "value", "cohort", "suppressed"]
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_validated_after(SchoolMeasure):
        bulk_insert("schools_schoolmeasure", columns, [(school.pk + 1000, measure.pk, 2023, 1.0, 10, False)])
    assert not SchoolMeasure.objects.exists()
    assert len(foreign_keys("schools_schoolmeasure")) == 2


def indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"]
        }


def test_indexes_are_built_again_after_the_load():
    before = indexes("schools_schoolmeasure")
    assert "schoolmeasure_measure_year_idx" in before
    with transaction.atomic(), indexes_rebuilt_after(SchoolMeasure):
        assert "schoolmeasure_measure_year_idx" not in indexes("schools_schoolmeasure")
    assert indexes("schools_schoolmeasure") == before


def planner_statistics(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
            return cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_the_loaded_tables_have_the_planners_statistics_after_the_load():
    school = School.objects.create(registry_id="100", name="A school")
    measure = MeasureDefinition.objects.create(code="x", name="X", domain="d", kind="outcome")
    columns = ["school_id", "measure_id", "year", "value", "cohort", "suppressed"]
    assert planner_statistics("schools_schoolmeasure") == 0
    with transaction.atomic(), indexes_rebuilt_after(SchoolMeasure):
        bulk_insert(
            "schools_schoolmeasure",
            columns,
            [(school.pk, measure.pk, y, 1.0, 10, False) for y in range(1900, 2000)],
        )
    assert planner_statistics("schools_schoolmeasure") > 0


def test_a_duplicate_loaded_without_indexes_is_still_refused():
    school = School.objects.create(registry_id="100", name="A school")
    measure = MeasureDefinition.objects.create(code="x", name="X", domain="d", kind="outcome")
    columns = ["school_id", "measure_id", "year", "value", "cohort", "suppressed"]
    row = (school.pk, measure.pk, 2023, 1.0, 10, False)
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_rebuilt_after(SchoolMeasure):
        bulk_insert("schools_schoolmeasure", columns, [row, row])
    assert not SchoolMeasure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_insert_outside_a_transaction_is_one_transaction():
    """All or nothing, and on SQLite one commit rather than one per row (the 117 s families store)."""
    school = School.objects.create(registry_id="100", name="A school")
    measure = MeasureDefinition.objects.create(code="x", name="X", domain="d", kind="outcome")
    columns = ["school_id", "measure_id", "year", "value", "cohort", "suppressed"]
    rows = [(school.pk, measure.pk, year, 1.0, 10, False) for year in range(2000, 2010)]
    assert not connection.in_atomic_block
    with pytest.raises(IntegrityError):
        # the last row repeats the first (school, measure, year): the whole load is refused
        bulk_insert("schools_schoolmeasure", columns, [*rows, rows[0]], batch_size=3)
    assert not SchoolMeasure.objects.exists()
    assert bulk_insert("schools_schoolmeasure", columns, rows, batch_size=3) == 10
    assert SchoolMeasure.objects.count() == 10
