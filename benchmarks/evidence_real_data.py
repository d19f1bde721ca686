"""How well do families of similar schools predict real results? England 2018/19, printed as JSON.

For every state-funded primary and secondary school with a census record, families are drawn from
schools of the same phase by context (free school meals ever in 6 years, additional language, SEN
support, EHC plans, pupils on roll; the census has no prior attainment or urban/rural). The family
mean of an outcome (KS2 reading/writing/maths progress, Progress 8, Attainment 8) then predicts each
school's own outcome; a school is never in its own family, so this is out of sample for the school.

The context weights are fitted by `fit_weights` with two-fold cross-fitting: schools are split at
random in two halves; weights fitted on one half's outcomes alone (the other half's outcomes hidden)
are scored on the other half, and the other way round, so no school's error is measured with weights
that saw its result. Baselines: the national mean of the phase, and a linear regression on the same
context (also cross-fitted).

It also runs relative performance on real Progress 8 (provisional file: cohort P8PUP; the pupil-level
SD is recovered from the published confidence intervals) to show how many schools the shrunk estimates
call reliably above or below expectation, against the published intervals.

    .venv/bin/python benchmarks/evidence_real_data.py [--data DIR] [--out FILE]
"""

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

from kindred.engine.families import context_matrix, families, family_mean, fit_weights, standardise
from kindred.engine.performance import NEED, STRENGTH, relative_performance

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "england-2019"  # beside the checkout
FEATURES = ("fsm_pct", "eal_pct", "sen_support_pct", "sen_ehcp_pct", "log_pupils")
CENSUS_COLUMNS = {
    "fsm_pct": "PNUMFSMEVER",
    "eal_pct": "PNUMEAL",
    "sen_support_pct": "PSENELK",
    "sen_ehcp_pct": "PSENELSE",
}
PHASES = {"primary": "State-funded primary", "secondary": "State-funded secondary"}
OUTCOMES = {
    "primary": {
        "ks2_reading_progress": "READPROG",
        "ks2_writing_progress": "WRITPROG",
        "ks2_maths_progress": "MATPROG",
    },
    "secondary": {"ks4_progress8": "P8MEA", "ks4_attainment8": "ATT8SCR"},
}
KS = (10, 20, 50)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str | None) -> float:
    """A published figure as a float; codes such as NA, SUPP, NP, NE, LOWCOV and blanks are NaN."""
    try:
        return float((text or "").strip().rstrip("%"))
    except ValueError:
        return np.nan


def load(data: Path) -> dict[str, dict[str, np.ndarray]]:
    """Per phase: URNs, the context matrix and outcome arrays (NaN where missing), joined on URN."""
    census = [row for row in read_rows(data / "england_census.csv") if row["SCHOOLTYPE"] in PHASES.values()]
    results: dict[str, dict[str, str]] = {}
    for name in ("england_ks2final.csv", "england_ks4final.csv"):
        for row in read_rows(data / name):
            if row["RECTYPE"] == "1":
                results.setdefault(row["URN"], {}).update(row)
    tables = {}
    for phase, school_type in PHASES.items():
        rows = [row for row in census if row["SCHOOLTYPE"] == school_type]
        context = {
            code: np.array([number(row[column]) for row in rows]) for code, column in CENSUS_COLUMNS.items()
        }
        pupils = np.array([number(row["NOR"]) for row in rows])
        table = {
            "urn": np.array([row["URN"] for row in rows]),
            "context": context_matrix(context, pupils=pupils, features=FEATURES),
        }
        for code, column in OUTCOMES[phase].items():
            table[code] = np.array([number(results.get(row["URN"], {}).get(column)) for row in rows])
        tables[phase] = table
    return tables


def cross_fitted(
    context: np.ndarray, outcomes: np.ndarray, *, k: int, seed: int
) -> tuple[np.ndarray, np.ndarray, list[list[float]]]:
    """Out-of-fold predictions of outcomes (n, m) by the family mean (fitted weights) and by regression."""
    n = context.shape[0]
    fold = np.random.default_rng(seed).permutation(n) % 2
    family_prediction = np.full(outcomes.shape, np.nan)
    regression_prediction = np.full(outcomes.shape, np.nan)
    fitted = []
    z, _ = standardise(context, np.zeros(n, dtype=np.int64))
    design = np.column_stack([np.ones(n), z])
    for held_out in (0, 1):
        training = fold != held_out
        seen = np.where(training[:, None], outcomes, np.nan)  # the held-out half's results are hidden
        fit = fit_weights(context, seen, k=k, seed=seed)
        fitted.append([round(float(w), 3) for w in fit.weights])
        members = families(context, k=k, weights=fit.weights).members
        family_prediction[~training] = family_mean(outcomes, members)[~training]
        for j in range(outcomes.shape[1]):
            known = training & np.isfinite(outcomes[:, j])
            beta = np.linalg.lstsq(design[known], outcomes[known, j], rcond=None)[0]
            regression_prediction[~training, j] = design[~training] @ beta
    return family_prediction, regression_prediction, fitted


def rmse(error: np.ndarray) -> float:
    return float(np.sqrt(np.nanmean(error**2)))


def share_explained(error: np.ndarray, known: np.ndarray, baseline: float) -> float | None:
    """1 - (RMSE / baseline RMSE)^2; None when the baseline makes no error (a constant measure)."""
    return round(1 - (rmse(error[known]) / baseline) ** 2, 4) if baseline > 0 else None


def family_benchmark(tables: dict[str, dict[str, np.ndarray]], seed: int) -> dict[str, object]:
    report: dict[str, object] = {}
    for phase, table in tables.items():
        codes = list(OUTCOMES[phase])
        outcomes = np.column_stack([table[code] for code in codes])
        context = table["context"]
        phase_report: dict[str, object] = {
            "schools": int(context.shape[0]),
            "features": list(FEATURES),
            "context_missing": {f: int(np.isnan(context[:, i]).sum()) for i, f in enumerate(FEATURES)},
            "by_k": {},
        }
        for k in KS:
            started = time.perf_counter()
            family_fit, regression, fitted = cross_fitted(context, outcomes, k=k, seed=seed)
            equal = family_mean(outcomes, families(context, k=k).members)
            by_measure = {}
            for j, code in enumerate(codes):
                y = outcomes[:, j]
                known = np.isfinite(y) & np.isfinite(family_fit[:, j])
                # leave-one-out national mean: the mean of all the other schools
                total, count = np.nansum(y), np.isfinite(y).sum()
                national = (total - y) / (count - 1)
                baseline = rmse((y - national)[known])
                by_measure[code] = {
                    "schools_with_result": int(known.sum()),
                    "rmse_national_mean": round(baseline, 4),
                    "rmse_family_mean_equal_weights": round(rmse((y - equal[:, j])[known]), 4),
                    "rmse_family_mean_fitted_weights": round(rmse((y - family_fit[:, j])[known]), 4),
                    "rmse_context_regression": round(rmse((y - regression[:, j])[known]), 4),
                    "r2_family_mean_fitted_weights": share_explained(y - family_fit[:, j], known, baseline),
                    "r2_context_regression": share_explained(y - regression[:, j], known, baseline),
                }
            phase_report["by_k"][str(k)] = {  # type: ignore[index]
                "fitted_weights_per_fold": fitted,
                "measures": by_measure,
                "seconds": round(time.perf_counter() - started, 2),
            }
        report[phase] = phase_report
    return report


def progress8_shrinkage(data: Path, tables: dict[str, dict[str, np.ndarray]]) -> dict[str, object]:
    """Relative performance on real Progress 8 with real cohorts, against the published intervals."""
    rows = {row["URN"]: row for row in read_rows(data / "england_ks4provisional.csv")}
    secondary = tables["secondary"]
    picked = [rows.get(urn, {}) for urn in secondary["urn"]]
    value = np.array([number(row.get("P8MEA")) for row in picked])
    cohort = np.array([number(row.get("P8PUP")) for row in picked])
    low = np.array([number(row.get("P8CILOW")) for row in picked])
    high = np.array([number(row.get("P8CIUPP")) for row in picked])
    usable = np.isfinite(value) & np.isfinite(cohort) & (cohort > 0) & np.isfinite(low) & np.isfinite(high)
    # published interval: P8 +- 1.96 * pupil_sd / sqrt(cohort); the catalogue declares DfE's 1.28
    implied_sd = float(np.median((high - low)[usable] / (2 * 1.96) * np.sqrt(cohort[usable])))
    pupil_sd = 1.28
    grammar_file = data / "grammar_schools.csv"
    grammar = (
        {row["URN"] for row in read_rows(grammar_file) if row.get("URN")} if grammar_file.exists() else set()
    )
    selective = np.array([1.0 if urn in grammar else 0.0 for urn in secondary["urn"]])
    context = np.column_stack([secondary["context"], selective])
    value = np.where(usable, value, np.nan)
    result = relative_performance(
        value, np.where(usable, cohort, 1.0), context, pupil_sd=pupil_sd, groups=None, school_index=None
    )
    valid = result.valid
    published_above = int((low[valid] > 0).sum())
    published_below = int((high[valid] < 0).sum())
    small = valid & (cohort < 30)
    return {
        "schools": int(valid.sum()),
        "pupil_sd_declared": pupil_sd,
        "pupil_sd_implied_by_published_intervals": round(implied_sd, 3),
        "expected_model": result.expected_model,
        "out_of_sample_r2": round(result.r2, 3),
        "tau_model": result.tau2_model,
        "tau_slope_log_cohort": round(result.tau2_slope, 3),
        "tau_between_schools_at_median_cohort": round(float(np.sqrt(result.tau2)), 3),
        "median_shrinkage": round(float(np.nanmedian(result.shrinkage[valid])), 3),
        "reliably_above_expectation": int((result.verdict[valid] == STRENGTH).sum()),
        "reliably_below_expectation": int((result.verdict[valid] == NEED).sum()),
        "published_interval_above_zero": published_above,
        "published_interval_below_zero": published_below,
        "schools_under_30_pupils": int(small.sum()),
        "of_which_published_interval_excludes_zero": int(((low > 0) | (high < 0))[small].sum()),
        "of_which_flagged_after_shrinkage": int((result.verdict[small] != 0).sum()),
        "note": "Published intervals judge raw P8 against 0 (the national average); ours judge P8 against "
        "what the intake predicts, after shrinkage.",
    }


def one_year_pupil_sd(data: Path, tables: dict[str, dict[str, np.ndarray]]) -> dict[str, object]:
    """One year and no declared pupil SD: the robust estimate (spread by cohort), the SDs the year allows.

    KS2 progress has no cohort in these files: it is approximated as pupils on roll / 7, as Kindred does.
    Attainment 8 and Progress 8 use the provisional file's cohorts (TPUP, P8PUP). Progress 8 is run
    without its declared SD too, so the estimate can be compared with DfE's 1.28.
    """
    provisional = {row["URN"]: row for row in read_rows(data / "england_ks4provisional.csv")}
    census = {row["URN"]: row for row in read_rows(data / "england_census.csv")}
    grammar_file = data / "grammar_schools.csv"
    grammar = (
        {row["URN"] for row in read_rows(grammar_file) if row.get("URN")} if grammar_file.exists() else set()
    )
    report: dict[str, object] = {}
    cases = [("primary", code, None, 7.0) for code in OUTCOMES["primary"]] + [
        ("secondary", "ks4_attainment8", "TPUP", None),
        ("secondary", "ks4_progress8", "P8PUP", None),
    ]
    for phase, code, cohort_column, year_groups in cases:
        table = tables[phase]
        value = table[code]
        if cohort_column is None:
            pupils = np.array([number(census.get(urn, {}).get("NOR")) for urn in table["urn"]])
            cohort = np.maximum(1.0, np.round(pupils / year_groups))
        else:
            cohort = np.array([number(provisional.get(urn, {}).get(cohort_column)) for urn in table["urn"]])
        context = table["context"]
        if phase == "secondary":
            context = np.column_stack([context, [1.0 if urn in grammar else 0.0 for urn in table["urn"]]])
        usable = np.isfinite(value) & np.isfinite(cohort) & (cohort > 0)
        if np.ptp(value[usable]) == 0 if usable.any() else True:
            report[code] = {
                "schools": int(usable.sum()),
                "pupil_sd_method": "not estimable: the values do not vary",
            }
            continue
        result = relative_performance(
            np.where(usable, value, np.nan), np.where(usable, cohort, 1.0), context, pupil_sd=None
        )
        valid = result.valid
        report[code] = {
            "schools": int(valid.sum()),
            "cohort": "pupils on roll / 7 (approximated)" if cohort_column is None else cohort_column,
            "pupil_sd_method": result.pupil_sd_method,
            "pupil_sd": round(result.pupil_sd, 3),
            "pupil_sd_range_one_year_allows": [round(result.pupil_sd_low, 3), round(result.pupil_sd_high, 3)],
            "verdicts_withheld": result.withheld or None,
            "tau_at_median_cohort": round(float(np.sqrt(result.tau2)), 3),
            "tau_model": result.tau2_model,
            "median_shrinkage": round(float(np.nanmedian(result.shrinkage[valid])), 3),
            "strengths": int((result.verdict[valid] == STRENGTH).sum()),
            "needs": int((result.verdict[valid] == NEED).sum()),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tables = load(args.data)
    report = {
        "data": str(args.data),
        "families": family_benchmark(tables, args.seed),
        "progress8_relative_performance": progress8_shrinkage(args.data, tables),
        "one_year_undeclared_pupil_sd": one_year_pupil_sd(args.data, tables),
    }
    report["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
