"""Local authorities and regions from their own file; provisional figures next to final ones."""

import pytest

from kindred.schools.importing import schools_import
from kindred.schools.models import LocalAuthority, School, SchoolMeasure

from .conftest import sample_lines

pytestmark = pytest.mark.django_db


def test_the_authorities_file_creates_authorities_in_their_regions(write_csv):
    report = schools_import(
        path=write_csv("la.csv", sample_lines("la_and_region_codes_meta.csv", 10)),
        mapping="la_and_region_codes_meta",
    )
    assert (report.authorities.created, report.rows_created) == (10, 10)
    darlington = LocalAuthority.objects.get(code="841")
    assert (darlington.name, darlington.region.name, darlington.region.code) == (
        "Darlington",
        "North East A",
        "1",
    )


def test_authorities_first_known_by_code_are_renamed_by_the_authorities_file(write_csv):
    lines = sample_lines("england_census.csv", 3)  # City of London (201) and Camden (202) schools
    for registry_id in ("100000", "100001", "100002"):
        School.objects.create(registry_id=registry_id, name=f"School {registry_id}")
    schools_import(path=write_csv("census.csv", lines), mapping="census")
    assert LocalAuthority.objects.get(code="201").name == "201"
    la = [
        line
        for line in sample_lines("la_and_region_codes_meta.csv", 151)
        if line.startswith(("LEA,", "201,"))
    ]
    report = schools_import(path=write_csv("la.csv", la), mapping="la_and_region_codes_meta")
    assert report.authorities.updated == 1
    assert LocalAuthority.objects.get(code="201").name == "City of London"
    assert School.objects.get(registry_id="100000").local_authority.name == "City of London"


def ucl_academy(write_csv):
    """The UCL Academy (137181) in the final and the provisional KS4 files."""
    final = [
        line for line in sample_lines("england_ks4final.csv", 20) if line.startswith(("RECTYPE", "1,137181"))
    ]
    provisional = [
        line
        for line in sample_lines("england_ks4provisional.csv", 30)
        if line.startswith(("RECTYPE", "1,202,4000"))
    ]
    return write_csv("final.csv", final), write_csv("provisional.csv", provisional)


def p8() -> tuple:
    stored = SchoolMeasure.objects.get(school__registry_id="137181", measure__code="ks4_progress8", year=2018)
    return stored.value, stored.cohort


@pytest.mark.parametrize("provisional_first", [True, False])
def test_final_figures_win_and_provisional_cohorts_are_kept_in_either_order(write_csv, provisional_first):
    final, provisional = ucl_academy(write_csv)
    School.objects.create(registry_id="137181", name="The UCL Academy")
    steps = [(provisional, "ks4provisional"), (final, "ks4final")]
    for path, mapping in steps if provisional_first else steps[::-1]:
        schools_import(path=path, mapping=mapping)
    assert p8() == (0.1, 163)  # final Progress 8; pupils in the provisional Progress 8
    for path, mapping in steps:
        again = schools_import(path=path, mapping=mapping)
        assert again.rows_unchanged == 1
    assert p8() == (0.1, 163)


def test_schools_take_the_region_of_their_local_authority(write_csv):
    from kindred.schools.models import Region

    region = Region.objects.create(code="R1", name="London A")
    LocalAuthority.objects.create(code="201", name="City of London", region=region)
    School.objects.create(registry_id="100000", name="Sir John Cass")
    path = write_csv("census.csv", sample_lines("england_census.csv", 1))
    schools_import(path=path, mapping="census")
    assert School.objects.get(registry_id="100000").region == region
