"""The ready GIAS mapping on a small file shaped like the real export (Windows-1252, CRLF)."""

import pytest

from kindred.schools.importing import schools_import
from kindred.schools.models import LocalAuthority, Region, School

from .conftest import GIAS_SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    return schools_import(path=GIAS_SAMPLE, mapping="gias")


def test_gias_creates_every_school_with_its_authority_and_region(imported):
    assert imported.encoding == "cp1252"
    assert imported.schools.created == 7
    assert School.objects.get(registry_id="999001").name == "École Élémentaire Fictive"
    bringhurst = School.objects.get(registry_id="141279")
    assert bringhurst.local_authority == LocalAuthority.objects.get(code="855", name="Leicestershire")
    assert bringhurst.region == Region.objects.get(code="E", name="East Midlands")
    assert (bringhurst.town, bringhurst.postcode, bringhurst.pupils) == ("Market Harborough", "LE16 8RH", 70)
    assert bringhurst.school_type == "Academy converter"
    assert str(bringhurst.opened_on) == "2014-11-01"


def test_eastings_and_northings_become_latitude_and_longitude(imported):
    # The fixture's grid points were computed from the KS2 file's published coordinates.
    bringhurst = School.objects.get(registry_id="141279")
    assert bringhurst.latitude == pytest.approx(52.524386, abs=1e-5)
    assert bringhurst.longitude == pytest.approx(-0.757188, abs=1e-5)
    closed = School.objects.get(registry_id="999001")
    assert (closed.latitude, closed.longitude) == (None, None)


@pytest.mark.parametrize(
    ("registry_id", "phase", "status", "urban_rural"),
    [
        ("141279", School.Phase.PRIMARY, School.Status.OPEN, School.UrbanRural.RURAL),
        ("126169", School.Phase.SPECIAL, School.Status.OPEN, School.UrbanRural.URBAN),
        ("136622", School.Phase.SECONDARY, School.Status.OPEN, School.UrbanRural.RURAL),
        ("999001", School.Phase.PRIMARY, School.Status.CLOSED, School.UrbanRural.UNKNOWN),
        ("999002", School.Phase.ALTERNATIVE, School.Status.CLOSING, School.UrbanRural.URBAN),
        ("999003", School.Phase.SECONDARY, School.Status.OPENING, School.UrbanRural.URBAN),
    ],
)
def test_gias_text_is_mapped_to_phase_status_and_urban_rural(
    imported, registry_id, phase, status, urban_rural
):
    school = School.objects.get(registry_id=registry_id)
    assert (school.phase, school.status, school.urban_rural) == (phase, status, urban_rural)


def test_a_closed_school_keeps_its_closing_date(imported):
    assert str(School.objects.get(registry_id="999001").closed_on) == "2018-08-31"


def test_gias_updates_a_school_another_file_created_and_a_second_run_changes_nothing(imported):
    School.objects.filter(registry_id="141279").update(name="Bringhurst School", phase=School.Phase.OTHER)
    again = schools_import(path=GIAS_SAMPLE, mapping="gias")
    assert (again.rows_updated, again.rows_unchanged) == (1, 6)
    assert School.objects.get(registry_id="141279").name == "Bringhurst Primary School"
    third = schools_import(path=GIAS_SAMPLE, mapping="gias")
    assert third.rows_unchanged == 7


def test_authority_names_from_gias_replace_names_that_were_only_codes(imported):
    LocalAuthority.objects.filter(code="938").update(name="938")
    report = schools_import(path=GIAS_SAMPLE, mapping="gias")
    assert report.authorities.updated == 1
    assert LocalAuthority.objects.get(code="938").name == "West Sussex"
