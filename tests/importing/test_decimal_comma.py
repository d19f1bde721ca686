"""Decimal commas: a mapping's `decimal_comma: true`, the same option for `import measures` (and
any import: --decimal-comma, the admin's checkbox), and a refused `12,5` that says what may be
meant. The figures are those of two real files — England's census, France's social position
index — written as a French or German spreadsheet saves them (no such file was at hand as
published: see the report)."""

import csv

import pytest
import yaml
from django.core.management import CommandError, call_command

from kindred.schools.importing import ImportFailed, measures_import, schools_import
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, sample

pytestmark = pytest.mark.django_db
HINT = (
    "not a number: a decimal comma? Say 'decimal_comma: true' in the mapping "
    "(kindred import measures: --decimal-comma)"
)


def census_long(tmp_path, *, comma: bool):
    """England's census sample as a long measures file, its percentages written `16,2` if `comma`."""
    with sample("england_census.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["URN"].isdigit()][:20]
    path = tmp_path / ("census_comma.csv" if comma else "census.csv")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["school_id", "measure", "year", "value", "cohort"])
        for row in rows:
            School.objects.get_or_create(registry_id=row["URN"], defaults={"name": row["URN"]})
            value = row["PNUMFSMEVER"].replace(".", ",") if comma else row["PNUMFSMEVER"]
            writer.writerow([row["URN"], "fsm_pct", "2018", value, row["NOR"]])
    return path


def stored():
    return sorted(
        SchoolMeasure.objects.values_list("school__registry_id", "measure__code", "value", "cohort")
    )


def test_a_measures_file_with_decimal_commas_says_what_to_do_and_imports_with_the_option(tmp_path, capsys):
    plain = census_long(tmp_path, comma=False)
    measures_import(path=plain)
    expected = stored()
    SchoolMeasure.objects.all().delete()
    commas = census_long(tmp_path, comma=True)
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=commas)
    reasons = {p.reason for p in failed.value.report.problems}
    assert reasons == {HINT}
    with pytest.raises(CommandError):
        call_command("import", "measures", str(commas), "--no-progress")
    assert "a decimal comma?" in capsys.readouterr().err
    call_command("import", "measures", str(commas), "--decimal-comma", "--no-progress")
    assert stored() == expected and len(expected) == 16  # 4 "NA": nothing stored


def french_with_commas(tmp_path):
    text = (FRANCE / "fr-en-ips_ecoles.csv").read_text(encoding="utf-8")
    lines = [line.rsplit(";", 1) for line in text.splitlines()]
    path = tmp_path / "ips_fr.csv"
    path.write_text("\n".join(f"{a};{b.replace('.', ',')}" for a, b in lines) + "\n", encoding="utf-8")
    return path


def test_the_french_index_written_with_decimal_commas_needs_the_mapping_to_say_so(tmp_path):
    schools_import(path=FRANCE / "fr-en-ips_ecoles.csv", mapping=FRANCE / "ips_ecoles.yaml")
    expected = stored()
    SchoolMeasure.objects.all().delete()
    path = french_with_commas(tmp_path)
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=path, mapping=FRANCE / "ips_ecoles.yaml")
    first = failed.value.report.problems[0]
    assert (first.row, first.column, first.value, first.reason) == (2, "IPS", "115,7", HINT)
    schools_import(path=path, mapping=FRANCE / "ips_ecoles.yaml", decimal_comma=True)
    assert stored() == expected
    SchoolMeasure.objects.all().delete()
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    mapping = tmp_path / "ips.yaml"
    mapping.write_text(yaml.safe_dump({**data, "decimal_comma": True}, allow_unicode=True), encoding="utf-8")
    schools_import(path=path, mapping=mapping)
    assert stored() == expected


def test_a_thousands_separator_is_not_taken_for_a_decimal_comma(tmp_path):
    School.objects.create(registry_id="100000", name="A")
    path = tmp_path / "m.csv"
    path.write_text('school_id,measure,year,value\n100000,fsm_pct,2018,"1,234"\n')
    with pytest.raises(ImportFailed) as failed:
        measures_import(path=path)  # 1234: a number, though no percentage
    assert failed.value.report.problems[0].reason == "above the largest value fsm_pct can take (100)"
