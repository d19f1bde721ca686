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


def test_the_progress_bar_goes_to_the_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)  # as when run by a person at a terminal
    call_command("import", "schools", str(GIAS_SAMPLE), "--mapping", "gias")
    assert "import schools" in capsys.readouterr().err


def test_no_progress_bar_floods_a_log_that_is_not_a_terminal(capsys):
    call_command("import", "schools", str(GIAS_SAMPLE), "--mapping", "gias")
    err = capsys.readouterr().err
    assert "import schools" not in err
    assert "it/s" not in err and "rows/s" not in err


def test_an_import_that_skips_every_row_exits_non_zero_with_the_reasons(write_csv, capsys):
    path = write_csv(
        "census.csv", ["URN,LA,NOR,PNUMFSMEVER,PNUMEAL,PSENELK,PSENELSE", "999999,201,10,1,1,1,1"]
    )
    with pytest.raises(CommandError, match="Nothing imported") as raised:
        call_command("import", "schools", str(path), "--mapping", "census", "--no-progress")
    assert "school id not in the registry: 1" in str(raised.value)
    assert raised.value.returncode == 1
    assert "0 created, 0 updated, 0 unchanged, 1 skipped" in capsys.readouterr().out


def test_problems_are_grouped_by_cause_and_every_one_is_in_the_errors_file(write_csv, tmp_path, capsys):
    School.objects.create(registry_id="100000", name="A school")
    lines = ["school_id,measure,year,value"] + [f"100000,mystery_{i},2018,1" for i in range(40)]
    lines.append("100000,fsm_pct,2018,38542")
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import", "measures", str(write_csv("m.csv", lines)), "--errors", str(errors))
    err = capsys.readouterr().err
    assert "41 problems, of 2 cause(s)" in err
    assert "40 × column 'measure': unknown measure code" in err
    assert "row 2, column 'measure', value 'mystery_0'" in err
    assert "… and 35 more rows" in err
    assert "1 × column 'value': above the largest value fsm_pct can take (100)" in err
    assert "row 42, column 'value', value '38542'" in err
    written = errors.read_text().splitlines()
    assert written[0] == "row,column,value,reason"
    assert len(written) == 1 + 41
    assert written[-1] == "42,value,38542,above the largest value fsm_pct can take (100)"


def test_a_formula_in_a_bad_cell_is_written_to_the_errors_file_as_text(write_csv, tmp_path):
    School.objects.create(registry_id="100000", name="A school")
    path = write_csv("m.csv", ["school_id,measure,year,value", '100000,fsm_pct,2018,"=HYPERLINK(""x"")"'])
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        call_command("import", "measures", str(path), "--errors", str(errors), "--no-progress")
    assert errors.read_text().splitlines()[1].startswith("2,value,\"'=HYPERLINK")
