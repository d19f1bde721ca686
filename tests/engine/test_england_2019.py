"""England 2018/19, real data: with no context and the declared pupil SD, Kindred's raw interval of a
school's Progress 8 is DfE's published 95% confidence interval.

Reads the KS4 provisional file (P8MEA, P8PUP, P8CILOW, P8CIUPP) from ../shared/data/england-2019/,
or from a small sample of it under tests/ when the shared data is not beside the checkout.
"""

import csv
from pathlib import Path

import numpy as np
import pytest

from kindred.engine.performance import relative_performance
from kindred.schools.catalogue import MEASURES

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [
    ROOT.parent / "shared" / "data" / "england-2019" / "england_ks4provisional.csv",
    ROOT / "tests" / "importing" / "data" / "england-2019" / "england_ks4provisional.csv",
]


def published_progress8() -> dict[str, np.ndarray]:
    path = next((p for p in CANDIDATES if p.exists()), None)
    if path is None:
        pytest.skip("the England 2019 KS4 provisional file is neither beside the checkout nor sampled")
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                numbers = [float(row[c]) for c in ("P8MEA", "P8PUP", "P8CILOW", "P8CIUPP")]
            except (KeyError, ValueError):
                continue  # suppressed, not published or a summary row
            if numbers[1] > 0:
                rows.append(numbers)
    values = np.array(rows)
    return {"p8": values[:, 0], "pupils": values[:, 1], "low": values[:, 2], "high": values[:, 3]}


def test_the_catalogue_declares_progress_8_pupil_sd_with_its_source():
    spec = MEASURES["ks4_progress8"]
    assert spec.pupil_sd == 1.28
    assert "DfE" in spec.pupil_sd_source


def test_raw_interval_of_progress_8_reproduces_dfe_confidence_intervals_within_5_percent_of_width():
    published = published_progress8()
    n = published["p8"].size
    assert n >= 20  # the sample under tests/ has 24 schools with a published interval
    result = relative_performance(
        published["p8"],
        published["pupils"],
        np.zeros((n, 0)),  # no context: the raw interval does not depend on it
        pupil_sd=MEASURES["ks4_progress8"].pupil_sd,
    )
    low, high = result.raw_interval()
    width = published["high"] - published["low"]
    close = (np.abs(low - published["low"]) <= 0.05 * width) & (
        np.abs(high - published["high"]) <= 0.05 * width
    )
    assert close.mean() >= 0.95, f"{close.mean():.3f} of {n} schools within 5% of DfE's interval width"
