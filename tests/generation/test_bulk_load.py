"""Foreign keys dropped for a bulk load on PostgreSQL come back, and still catch bad references."""

import pytest
from django.db import IntegrityError, connection, transaction

from kindred.core.bulk import bulk_insert, foreign_keys_validated_after
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: elsewhere it does nothing"
    ),
]


def foreign_keys(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        return cursor.fetchall()


def test_foreign_keys_are_restored_exactly_after_the_load():
    before = foreign_keys("schools_schoolmeasure")
    assert len(before) == 2
    with transaction.atomic(), foreign_keys_validated_after(SchoolMeasure):
        assert foreign_keys("schools_schoolmeasure") == []
    assert foreign_keys("schools_schoolmeasure") == before


def test_a_dangling_reference_loaded_meanwhile_is_still_refused():
    school = School.objects.create(registry_id="100", name="A school")
    measure = MeasureDefinition.objects.create(code="x", name="X", domain="d", kind="outcome")
    columns = ["school_id", "measure_id", "year", "value", "cohort", "suppressed"]
    with pytest.raises(IntegrityError), transaction.atomic(), foreign_keys_validated_after(SchoolMeasure):
        bulk_insert("schools_schoolmeasure", columns, [(school.pk + 1000, measure.pk, 2023, 1.0, 10, False)])
    assert not SchoolMeasure.objects.exists()
    assert len(foreign_keys("schools_schoolmeasure")) == 2
