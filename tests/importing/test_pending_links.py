"""Links to schools not (yet) in the registry are kept pending and made when the school arrives:
by a schools import, or by importing the links file again. On GIAS's links file (England), whose
sample names schools the sample registry lacks (120021, 125753)."""

from datetime import date

import pytest

from kindred.schools.importing import links_import, schools_import
from kindred.schools.models import PendingLink, School, SchoolLink

from .conftest import GIAS_SAMPLE, HERE

pytestmark = pytest.mark.django_db
GIAS_LINKS = HERE / "data" / "gias_links.csv"


def gias_rows(tmp_path, *rows: dict) -> str:
    """A GIAS export with the sample's header and the given schools (URN, name, type; closed)."""
    lines = GIAS_SAMPLE.read_bytes().decode("cp1252").splitlines()
    header, template = lines[0], lines[2].split(",")  # Buckminster's row: a community school
    columns = header.split(",")
    out = [header]
    for row in rows:
        cells = list(template)
        for name, value in row.items():
            cells[columns.index(name)] = value
        out.append(",".join(cells))
    path = tmp_path / "arrivals.csv"
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))
    return path


def links() -> set:
    return {
        (link.predecessor.registry_id, link.successor.registry_id, link.kind, link.on)
        for link in SchoolLink.objects.select_related("predecessor", "successor")
    }


def test_links_to_missing_schools_wait_and_are_made_when_a_schools_import_brings_them(tmp_path):
    schools_import(path=GIAS_SAMPLE, mapping="gias")
    report = links_import(path=GIAS_LINKS)
    assert set(PendingLink.objects.values_list("school", "linked", "link_type")) == {
        ("141279", "120021", "Predecessor"),
        ("136622", "125753", "Predecessor"),
    }
    assert ("120021", "141279", SchoolLink.Kind.CONVERSION, date(2014, 11, 1)) not in links()
    assert report.skipped["a school not (yet) in the registry: kept pending, linked when it arrives"] == 2
    arrivals = gias_rows(
        tmp_path,
        {
            "URN": "120021",
            "EstablishmentName": "Bringhurst Primary School",
            "EstablishmentStatus (name)": "Closed",
        },
    )
    report = schools_import(path=arrivals, mapping="gias")
    assert report.links_resolved == 1
    assert report.summary()["pending links made (both schools now in the registry)"] == 1
    # a community school followed by an academy: a conversion, as the links import would have said
    assert ("120021", "141279", SchoolLink.Kind.CONVERSION, date(2014, 11, 1)) in links()
    assert list(PendingLink.objects.values_list("linked", flat=True)) == ["125753"]


def test_importing_the_links_file_again_makes_the_links_whose_schools_have_arrived(tmp_path):
    links_import(path=GIAS_LINKS)  # nothing in the registry yet: every succession row waits
    assert PendingLink.objects.count() == 6
    schools_import(path=GIAS_SAMPLE, mapping="gias")  # the sample's schools arrive
    assert len(links()) == 2
    report = links_import(path=GIAS_LINKS)
    assert (report.links.created, report.links.unchanged) == (0, 2)
    assert PendingLink.objects.count() == 2  # 120021 and 125753 are still not in the registry


def test_a_pending_link_that_contradicts_a_stored_link_is_dropped(tmp_path):
    for urn in ("100001", "100002"):
        School.objects.create(registry_id=urn, name=urn, school_type="Community school")
    SchoolLink.objects.create(
        predecessor=School.objects.get(registry_id="100001"),
        successor=School.objects.get(registry_id="100002"),
    )
    PendingLink.objects.create(school="100001", linked="100003", link_type="Successor")
    PendingLink.objects.create(school="100003", linked="100002", link_type="Successor")  # 100002 after 100003
    PendingLink.objects.create(
        school="100002", linked="100001", link_type="Successor"
    )  # the stored link reversed
    arrivals = gias_rows(tmp_path, {"URN": "100003", "EstablishmentName": "Three"})
    schools_import(path=arrivals, mapping="gias")
    assert links() == {
        ("100001", "100002", SchoolLink.Kind.SUCCESSOR, None),
        ("100001", "100003", SchoolLink.Kind.SUCCESSOR, None),
        ("100003", "100002", SchoolLink.Kind.SUCCESSOR, None),
    }
    assert not PendingLink.objects.exists()
