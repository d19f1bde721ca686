"""A file with a great many problems: every problem is counted, but only a bounded sample of each
kind is kept in memory and written to the errors file, and a failing plan drops what it would have
written — so a failing import's memory does not grow with its problems (issue #20, item 5; the
400 MB figure is in benchmarks/README.md). Scaled down: England's census rows repeated under new
ids, with a tiny sample bound."""

import csv

import pytest
from django.core.management import CommandError, call_command

from kindred.schools.importing import ImportFailed, report, schools_import
from kindred.schools.importing.mapping import mapping_parse
from kindred.schools.importing.planning import plan_schools_file
from kindred.schools.importing.reading import open_table
from kindred.schools.importing.report import Problem, ProblemLog, problems_grouped
from kindred.schools.importing.service import measure_limits

from .conftest import sample

pytestmark = pytest.mark.django_db
COLUMNS = ["PNUMEAL", "PNUMFSMEVER", "PSENELK"]
MAPPING = {
    "id": "URN",
    "year": 2018,
    "schools": {"fields": {"name": "URN", "pupils": "NOR"}},
    "measures": [{"column": c, "measure": f"share_{c.lower()}"} for c in COLUMNS],
    # the three shares declared below 0.05%: nearly every value of the census is out of range
    "define_measures": [
        {"code": f"share_{c.lower()}", "name": c, "unit": "percent", "valid_max": 0.05} for c in COLUMNS
    ],
}


@pytest.fixture
def big_census(tmp_path):
    """The census sample's school rows repeated 40 times under new ids (about 2,900 rows)."""
    with sample("england_census.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle)]
    header, schools = rows[0], [r for r in rows[1:] if r[0].isdigit()]
    path = tmp_path / "census_x40.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for copy in range(40):
            for row in schools:
                writer.writerow([str(int(row[0]) + copy * 1_000_000), *row[1:]])
    expected = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            expected += sum(1 for c in COLUMNS if row[c] not in ("NA", "") and float(row[c]) > 0.05)
    return path, expected


def test_every_problem_is_counted_but_only_a_sample_of_each_kind_is_kept(big_census, monkeypatch):
    monkeypatch.setattr(report, "SAMPLE_PER_KIND", 3)
    path, expected = big_census
    assert expected > 5_000
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=mapping_parse(MAPPING))
    problems = failed.value.report.problems
    assert len(problems) == expected  # every one counted ...
    assert len(list(problems)) == 3 * len(COLUMNS)  # ... three of each kind kept
    groups = problems_grouped(problems)
    assert sum(g.count for g in groups) == expected
    assert {g.column for g in groups} == set(COLUMNS)


def test_the_errors_file_holds_the_sample_and_says_how_many_more(big_census, monkeypatch, tmp_path):
    monkeypatch.setattr(report, "SAMPLE_PER_KIND", 3)
    path, expected = big_census
    mapping = tmp_path / "m.yaml"
    import yaml

    mapping.write_text(yaml.safe_dump(MAPPING))
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        call_command(
            "import",
            "schools",
            str(path),
            "--mapping",
            str(mapping),
            "--errors",
            str(errors),
            "--no-progress",
        )
    lines = list(csv.reader(errors.open(encoding="utf-8")))
    assert len(lines) == 1 + 3 * len(COLUMNS) + len(COLUMNS)  # header, samples, one "more" line a kind
    more = [line for line in lines if line[0] == ""]
    assert sum(int(line[3].split()[2]) for line in more) == expected - 3 * len(COLUMNS)


def test_a_failing_plan_drops_what_it_would_have_written(big_census):
    path, _expected = big_census
    mapping = mapping_parse(MAPPING)
    plan = plan_schools_file(
        open_table(path), mapping, existing_ids=set(), limits=measure_limits(mapping.new_measures)
    )
    assert not plan.ok
    assert plan.schools == [] and plan.measures == []


def test_kinds_beyond_the_bound_are_counted_in_one_group():
    log = ProblemLog(kinds=2, per_kind=1)
    for n in range(5):
        log.append(Problem(2 + n, "C", f"reason {n}"))
    assert (len(log), len(list(log)), log.rows()) == (5, 2, 5)
    groups = problems_grouped(log)
    assert [g.count for g in groups] == [3, 1, 1]
    assert groups[0].reason == "problems of other kinds (more kinds than a report lists)"
