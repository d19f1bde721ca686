"""`kindred import memberships FILE`: a programme that ran before Kindred, brought in to be evaluated."""

import datetime as dt
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from kindred.audit.models import AuditEvent
from kindred.engine.impact import NEVER, ImpactPanel
from kindred.networks.models import Membership, Network
from kindred.schools.models import School
from tests.impact.conftest import joined_on

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str, name: str = "memberships.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def three(region_a):
    return [
        School.objects.create(registry_id=f"10{i}", name=f"School {i}", region=region_a) for i in range(3)
    ]


def test_a_history_is_stored_with_its_dates_and_a_second_import_changes_nothing(three, region_a, tmp_path):
    existing = Network.objects.create(name="Coastal Cluster", kind=Network.Kind.CLUSTER, region=region_a)
    path = write(
        tmp_path,
        "school_id,network,joined,left,reason\n"
        "100,Coastal Cluster,2018-09-01,2020-08-31,merged into a trust\n"
        "101,Coastal Cluster,01-09-2019,,\n"
        "102,Reading Partnership,2019-01-15,,\n"
        "100,Reading Partnership,2021-02-01,,\n",
    )
    out = StringIO()
    call_command("import", "memberships", str(path), stdout=out)
    assert "4 created, 0 updated, 0 unchanged" in out.getvalue()
    left = Membership.objects.get(network=existing, school=three[0])
    assert left.joined_at.date() == dt.date(2018, 9, 1) and left.left_at.date() == dt.date(2020, 8, 31)
    assert left.leave_reason == "merged into a trust"
    created = Network.objects.get(name="Reading Partnership")
    assert created.kind == Network.Kind.CLUSTER and created.status == Network.Status.ACTIVE
    assert created.memberships.active().count() == 2
    assert AuditEvent.objects.filter(action="membership.added").count() == 4
    again = StringIO()
    call_command("import", "memberships", str(path), stdout=again)
    assert "0 created, 0 updated, 4 unchanged" in again.getvalue()
    assert Membership.objects.count() == 4


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("999,Coastal Cluster,2019-09-01,", "no school with this id in the registry"),
        ("100,Coastal Cluster,next year,", "not a date"),
        ("100,Coastal Cluster,2019-09-01,2018-01-01", "before the school joined"),
        ("100,,2019-09-01,", "every row names a network"),
        ("100,Coastal Cluster,2019-10-01,", "overlaps another row of this school in this network"),
    ],
)
def test_a_file_with_a_problem_stores_nothing_and_says_where(three, tmp_path, row, problem):
    path = write(
        tmp_path,
        "school_id,network,joined,left\n101,Coastal Cluster,2019-09-01,\n100,Coastal Cluster,2019-09-01,\n"
        + row
        + "\n",
    )
    errors = StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import", "memberships", str(path), stderr=errors, stdout=StringIO())
    assert problem in errors.getvalue()
    assert "row 4" in errors.getvalue()
    assert not Membership.objects.exists() and not Network.objects.exists()


def test_a_missing_column_is_named_with_the_columns_found(three, tmp_path):
    path = write(tmp_path, "school,network,joined\n100,Coastal Cluster,2019-09-01\n")
    errors = StringIO()
    with pytest.raises(CommandError):
        call_command("import", "memberships", str(path), stderr=errors, stdout=StringIO())
    assert "school_id" in errors.getvalue() and "'school'" in errors.getvalue()


def test_a_programme_imported_from_a_file_is_evaluated_as_if_it_had_run_in_kindred(
    planted_registry, tmp_path
):
    programme, schools = planted_registry
    lines = ["school_id,network,joined,left"]
    for i, school in enumerate(schools):
        g = int(programme.panel.joined[i])
        if g != NEVER:
            lines.append(
                f"{school.registry_id},Programme network {programme.unit[i]},{joined_on(g).isoformat()},"
            )
    call_command("import", "memberships", str(write(tmp_path, "\n".join(lines) + "\n")), stdout=StringIO())
    unit = int(programme.unit[np.flatnonzero(programme.panel.joined == 3)[0]])
    network = Network.objects.get(name=f"Programme network {unit}")
    export = tmp_path / "impact.csv"
    call_command("impact", network=network.pk, export=export, stdout=StringIO())
    expected = ImpactPanel(programme.panel.values, programme.panel.joined, programme.context).estimate(
        np.flatnonzero(programme.unit == unit)
    )
    effect = float(export.read_text().splitlines()[1].split(",")[2])
    assert effect == pytest.approx(expected.overall.effect, rel=1e-5)
