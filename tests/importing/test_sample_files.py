"""The importer on samples of the real 2018/19 files (tests/importing/data/england-2019): every
row is accounted for, and a second run changes nothing. The expected counts were read from the
sample files with the csv module, not from the importer."""

import pytest

from kindred.schools.catalogue import ENGLAND_2019_FILES
from kindred.schools.importing import schools_import
from kindred.schools.models import LocalAuthority, School, SchoolMeasure

from .conftest import sample

ORDER = ENGLAND_2019_FILES
# Every reason a row of these files may be skipped; anything else is an unexplained reject.
EXPLAINED = {
    "a national total",
    "an authority or national total",
    "school id not in the registry",
}


@pytest.mark.django_db(transaction=False)
def test_all_sample_files_import_with_every_row_accounted_for_and_reimport_unchanged():
    first = {mapping: schools_import(path=sample(file), mapping=mapping) for mapping, file in ORDER}
    for mapping, report in first.items():
        accounted = report.rows_created + report.rows_updated + report.rows_unchanged + report.rows_skipped
        assert accounted == report.rows, mapping
        assert set(report.skipped) <= EXPLAINED, (mapping, report.skipped)
        assert not report.problems

    assert first["la_and_region_codes_meta"].authorities.created == 151
    assert first["ks2final"].schools.created == 222
    assert first["ks2final"].values_suppressed == 19  # SUPP + LOWCOV in the three progress columns
    # Rows skipped from the census are schools no performance table lists (nurseries, most PRUs).
    assert first["census"].skipped["a national total"] == 3
    assert first["abs"].skipped["a national total"] == 3
    assert first["ks4-pupdest"].skipped["an authority or national total"] == 4
    # KS2 schools, then the KS4 and KS5 schools not already listed by an earlier file
    assert School.objects.count() == 222 + 52 + 46

    bringhurst = School.objects.get(registry_id="141279")
    assert bringhurst.phase == School.Phase.PRIMARY
    assert (bringhurst.latitude, bringhurst.longitude) == (52.524386, -0.757188)
    assert bringhurst.local_authority == LocalAuthority.objects.get(code="855")
    reading = SchoolMeasure.objects.get(school=bringhurst, measure__code="ks2_reading_progress", year=2018)
    assert reading.value == 2.6
    assert not reading.suppressed

    # Suppressed is stored as suppressed, never as a zero.
    cornfield = SchoolMeasure.objects.get(
        school__registry_id="126170", measure__code="ks2_maths_progress", year=2018
    )
    assert (cornfield.value, cornfield.suppressed) == (None, True)
    assert School.objects.get(registry_id="126170").phase == School.Phase.SPECIAL

    # ks4provisional adds its cohorts to the final figures and replaces none of them.
    p8 = SchoolMeasure.objects.get(school__registry_id="137181", measure__code="ks4_progress8", year=2018)
    assert (p8.value, p8.cohort) == (0.1, 163)

    stored = SchoolMeasure.objects.count()
    for mapping, file in ORDER:
        again = schools_import(path=sample(file), mapping=mapping)
        assert again.rows_created == again.rows_updated == 0, mapping
        assert again.rows_unchanged + again.rows_skipped == again.rows, mapping
    assert SchoolMeasure.objects.count() == stored
