"""The evidence engine on the hard planted country: the proof figures of docs/methods.md, printed as JSON.

For each seed, 8,000 schools (`generate_country(hard=True)`, docs/generator.md), analysed as a live
recompute would (`engine/selfcheck.planted_selfcheck`) with the measures declared as a catalogue
declares them (units, ranges, the scores' pupil SDs): coverage of the 95% intervals overall, by cohort
band and by phase, single years and pooled; flags on the right side; RMSE shrunk and raw. Then one
year only, with the SDs declared and without. Then, on the first seed, the expected value with only
some of its parts (`--ablation`): each part switched off in turn, to show what each one buys.

    .venv/bin/python benchmarks/evidence_hard_country.py [--seeds 1 2 3] [--schools 8000] [--ablation]
"""

import argparse
import json
import sys
from contextlib import ExitStack
from unittest import mock

import numpy as np

from kindred.engine import expected, generate, performance
from kindred.engine.performance import MeasureModel
from kindred.engine.selfcheck import planted_selfcheck
from kindred.engine.units import PERCENT, PERCENT_OF_PUPILS, SCORE

RANGES = {"ks4_attainment8": (0.0, 90.0), "ks4_ebacc_aps": (0.0, 9.0)}


def models(*, declared: bool) -> dict[str, MeasureModel]:
    out = {}
    for m in generate.OUTCOME_MEASURES:
        share = m in generate.PUPIL_SHARE_MEASURES
        low, high = (0.0, 100.0) if m.endswith("_pct") else RANGES.get(m, (None, None))
        out[m] = MeasureModel(
            higher_is_better=m not in generate.HIGHER_IS_WORSE,
            pupil_sd=generate.PUPIL_SD[m] if declared and not share else None,
            valid_min=low,
            valid_max=high,
            unit=PERCENT_OF_PUPILS if share else PERCENT if m.endswith("_pct") else SCORE,
        )
    out[generate.FLAT_MEASURE] = MeasureModel()
    return out


def figures(check) -> dict[str, object]:
    return {
        "coverage": check.coverage,
        "rmse": check.rmse,
        "flags": check.flags,
        "failures": list(check.failures),
        "seconds": check.seconds,
    }


#: Parts of the expected value and of its error, switched off one after another (cumulatively).
ABLATIONS = {
    "candidates up to mean": ("mean",),
    "candidates up to linear": ("linear",),
    "candidates up to splines": ("splines",),
    "candidates up to interactions": ("interactions",),
    "all five candidates (Evidence v2)": (),
}


def ablated(name: str, stack: ExitStack) -> None:
    """Switch off the parts of the engine the named configuration leaves out (for this process)."""
    v3_parts = [
        "+ recalibration by phase",
        "+ log-odds for percentages",
        "+ steps",
        "+ excess by band and phase",
        "+ shared error of alike schools",
    ]
    keep = v3_parts[: v3_parts.index(name) + 1] if name in v3_parts else []
    if "+ recalibration by phase" not in keep:
        stack.enter_context(mock.patch.object(expected, "_by_group", lambda *a, **k: None))
    if "+ log-odds for percentages" not in keep:
        stack.enter_context(mock.patch.object(performance, "PERCENT_UNITS", frozenset()))
    if "+ steps" not in keep:
        stack.enter_context(mock.patch.object(expected, "find_steps", lambda *a, **k: ()))
    if "+ excess by band and phase" not in keep:
        stack.enter_context(
            mock.patch.object(performance, "excess_by_cell", lambda r, e, c, g: (np.zeros(r.size), {}))
        )
    if "+ shared error of alike schools" not in keep:
        stack.enter_context(
            mock.patch.object(performance, "shared_error", lambda r, z, f, g, e: (np.zeros(r.size), {}))
        )
    if ABLATIONS.get(name):
        last = ABLATIONS[name][0]
        allowed = expected.CANDIDATES[: expected.CANDIDATES.index(last) + 1]
        stack.enter_context(mock.patch.dict(expected.expected_values.__kwdefaults__, {"candidates": allowed}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--ablation", action="store_true")
    args = parser.parse_args(argv)
    report: dict[str, object] = {"schools": args.schools, "seeds": {}}
    for seed in args.seeds:
        report["seeds"][seed] = {  # type: ignore[index]
            "three years, SDs declared": figures(
                planted_selfcheck(models(declared=True), n_schools=args.schools, seed=seed)
            ),
            "one year, SDs declared": figures(
                planted_selfcheck(models(declared=True), n_schools=args.schools, seed=seed, years=(2023,))
            ),
            "one year, nothing declared": figures(
                planted_selfcheck(models(declared=False), n_schools=args.schools, seed=seed, years=(2023,))
            ),
        }
        print(json.dumps({"seed": seed, "done": True}), file=sys.stderr, flush=True)
    if args.ablation:
        names = [
            *ABLATIONS,
            "+ recalibration by phase",
            "+ log-odds for percentages",
            "+ steps",
            "+ excess by band and phase",
            "+ shared error of alike schools",
        ]
        report["ablation"] = {}
        for name in names:
            with ExitStack() as stack:
                ablated(name, stack)
                check = planted_selfcheck(models(declared=True), n_schools=args.schools, seed=args.seeds[0])
            report["ablation"][name] = figures(check)  # type: ignore[index]
            print(json.dumps({"ablation": name, "done": True}), file=sys.stderr, flush=True)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
