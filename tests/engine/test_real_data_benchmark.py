"""The real-data benchmark reads the published files as they are: codes, blanks, '%' and byte-order marks."""

import csv
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "evidence_real_data.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("evidence_real_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    census, ks2, ks4, provisional = [], [], [], []
    for i in range(120):
        urn = str(100000 + i)
        primary = i < 60
        fsm = rng.uniform(2, 50)
        census.append(
            [urn, "State-funded primary" if primary else "State-funded secondary", 200 + i, fsm, 5, 10, 2]
        )
        if primary:
            ks2.append(
                [
                    "1",
                    urn,
                    round(-0.1 * fsm + rng.normal(0, 0.5), 2) if i % 10 else "SUPP",
                    rng.normal(),
                    "0.5",
                ]
            )
        else:
            p8 = round(0.5 - 0.02 * fsm + rng.normal(0, 0.2), 2)
            ks4.append(["1", urn, p8 if i % 10 else "NP", 45.0, "40%"])
            provisional.append([urn, p8, 150, round(p8 - 0.2, 2), round(p8 + 0.2, 2)])
    census.append(["999999", "Independent school", 300, "NA", "NA", 1, 1])
    write(
        tmp_path / "england_census.csv",
        ["URN", "SCHOOLTYPE", "NOR", "PNUMFSMEVER", "PNUMEAL", "PSENELK", "PSENELSE"],
        census,
    )
    write(tmp_path / "england_ks2final.csv", ["RECTYPE", "URN", "READPROG", "WRITPROG", "MATPROG"], ks2)
    write(tmp_path / "england_ks4final.csv", ["RECTYPE", "URN", "P8MEA", "ATT8SCR", "PTL2BASICS_95"], ks4)
    write(
        tmp_path / "england_ks4provisional.csv", ["URN", "P8MEA", "P8PUP", "P8CILOW", "P8CIUPP"], provisional
    )
    return tmp_path


def test_published_codes_and_percent_signs_are_read_as_missing_or_numbers(benchmark):
    assert np.isnan([benchmark.number(code) for code in ("SUPP", "NP", "NE", "LOWCOV", "NA", "", None)]).all()
    assert benchmark.number("40%") == 40.0
    assert benchmark.number("-1.25") == -1.25


def test_the_benchmark_reports_every_measure_for_every_family_size(benchmark, data, tmp_path, capsys):
    out = tmp_path / "report.json"
    assert benchmark.main(["--data", str(data), "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report == json.loads(capsys.readouterr().out)
    primary = report["families"]["primary"]
    assert primary["schools"] == 60
    assert set(primary["by_k"]) == {"10", "20", "50"}
    reading = primary["by_k"]["20"]["measures"]["ks2_reading_progress"]
    assert reading["schools_with_result"] == 54  # every tenth result is suppressed
    assert reading["r2_context_regression"] > 0
    # maths progress is the same everywhere in these files: nothing to explain, and no division by zero
    assert primary["by_k"]["20"]["measures"]["ks2_maths_progress"]["r2_context_regression"] is None
    secondary = report["progress8_relative_performance"]
    # interval half-width 0.2 from 150 pupils: pupil SD = 0.2 / 1.96 * sqrt(150)
    assert secondary["pupil_sd_implied_by_published_intervals"] == pytest.approx(
        0.2 / 1.96 * np.sqrt(150), abs=0.01
    )
