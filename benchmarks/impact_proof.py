"""Issue #25's proof figures for the outcome-effect estimator, printed as JSON (accuracy, not speed).

The same planted countries as `tests/engine/test_impact.py`'s slow proof test (same seeds): coverage
of the programme's overall effect (600 countries of 1,000 schools), false positives with a zero
effect (600 more), coverage for one network of 6, 12 and 30 schools per country (400 each), and the
share of countries failing the pre-trend check with and without selection on prior trend.

    .venv/bin/python benchmarks/impact_proof.py
"""

import json
from pathlib import Path
from typing import Any

import numpy as np

from kindred.engine.impact import coverage, planted_programme


def pre_trend_failures(count: int, *, seed: int, **planted: Any) -> float:
    failed = [
        planted_programme(np.random.default_rng(seed + r), **planted).panel.estimate().pre_trend_failed
        for r in range(count)
    ]
    return float(np.mean(failed))


def main() -> None:
    programme, _ = coverage(600, seed=0, schools=1_000)
    null, _ = coverage(600, seed=10_000, schools=1_000, effect=0.0)
    units = {
        size: coverage(400, seed=20_000 + 1_000 * size, schools=1_000, unit_size=size) for size in (6, 12, 30)
    }
    result = {
        "programme_coverage_600": round(programme, 3),
        "zero_effect_false_positives_600": round(1.0 - null, 3),
        "network_coverage_400": {size: round(share, 3) for size, (share, _) in units.items()},
        "pre_trend_failed_honest_200": pre_trend_failures(200, seed=30_000, schools=1_000),
        "pre_trend_failed_declining_joiners_200": pre_trend_failures(
            200, seed=40_000, schools=1_000, selection_on_trend=1.0
        ),
    }
    print(json.dumps(result, indent=2))
    (Path(__file__).parent / "results" / "impact_proof.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
