"""A column the mapping names and the file lacks: the problem lists the columns found, which
sheet of a workbook was read (and the others), and suggests the nearest names. On real files of
two countries: France's index (whose header misspells "établissement") and England's results."""

import csv

import openpyxl
import pytest
import yaml

from kindred.schools.importing import ImportFailed, schools_import
from kindred.schools.models import School

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db


def problems(**kwargs) -> list:
    with pytest.raises(ImportFailed) as failed:
        schools_import(**kwargs)
    return failed.value.report.problems


def test_the_publishers_misspelt_column_is_suggested(tmp_path):
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    data["schools"]["fields"]["name"] = "Nom de l'établissement"  # the word spelt right
    mapping = tmp_path / "ips.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (problem,) = problems(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=mapping)
    assert (problem.row, problem.column) == (1, "Nom de l'établissement")
    assert problem.reason.startswith('the file has no such column; the nearest: "Nom de l\'établissment". ')
    assert "The file's columns: 'Rentrée scolaire', 'Académie', " in problem.reason
    assert problem.reason.endswith("'Secteur', 'IPS'")


def test_a_misspelt_english_column_is_suggested(tmp_path):
    mapping = tmp_path / "ks2.yaml"
    mapping.write_text(
        "id: URN\nyear: 2018\nmeasures:\n  - {column: READ PROG, measure: ks2_reading_progress}\n"
    )
    (problem,) = problems(path=sample("england_ks2final.csv"), mapping=mapping)
    assert problem.reason.startswith("the file has no such column; the nearest: 'READPROG'")


def test_a_workbook_read_from_its_first_sheet_says_so_and_names_the_others(tmp_path):
    with sample("england_ks4final.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["Key stage 4 performance 2019, England: see the KS4 sheet"])
    data = workbook.create_sheet("KS4")
    for row in rows:
        data.append(row)
    path = tmp_path / "ks4.xlsx"
    workbook.save(path)
    found = problems(path=path, mapping="ks4final")
    assert {p.column for p in found} >= {"URN", "P8MEA"}
    reason = next(p.reason for p in found if p.column == "URN")
    assert (
        "The columns of sheet 'Notes' (the workbook's other sheets: 'KS4'; choose one with --sheet): "
        in reason
    )
    report = schools_import(path=path, mapping="ks4final", sheet="KS4")
    assert report.rows_created == School.objects.count() > 40
