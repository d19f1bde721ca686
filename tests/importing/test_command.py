import re

import pytest
from django.core.management import CommandError, call_command

from kindred.schools.models import School

from .conftest import GIAS_SAMPLE

pytestmark = pytest.mark.django_db


def test_import_schools_command_prints_the_summary(capsys):
    call_command("import", "schools", str(GIAS_SAMPLE), "--mapping", "gias", "--no-progress")
    out = capsys.readouterr().out
    assert re.search(r"rows created +7\n", out)
    assert School.objects.count() == 7


def test_import_measures_command_reads_a_long_file(write_csv, capsys):
    School.objects.create(registry_id="100000", name="A school")
    path = write_csv("m.csv", ["school_id,measure,year,value,cohort", "100000,fsm_pct,2018,16.2,285"])
    call_command("import", "measures", str(path), "--no-progress")
    assert re.search(r"measure values created +1\n", capsys.readouterr().out)


def test_import_command_with_a_bad_file_lists_the_problems_and_writes_nothing(write_csv, capsys):
    path = write_csv("m.csv", ["URN,EstablishmentName", "1,A school"])
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import", "schools", str(path), "--mapping", "gias", "--no-progress")
    assert "column 'TypeOfEstablishment (name)': the file has no such column" in capsys.readouterr().err
    assert School.objects.count() == 0


def test_import_command_with_an_unknown_mapping_names_the_ready_ones():
    with pytest.raises(CommandError, match="ks2final"):
        call_command("import", "schools", str(GIAS_SAMPLE), "--mapping", "nope", "--no-progress")


def test_the_progress_bar_goes_to_the_terminal(capsys):
    call_command("import", "schools", str(GIAS_SAMPLE), "--mapping", "gias")
    assert "import schools" in capsys.readouterr().err
