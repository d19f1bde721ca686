"""Writes of the evidence app: recompute families and relative performance, and store them as runs.

Pages never compute: they read what the current run stored. A recompute writes its rows under a new
`EvidenceRun` while pages keep reading the current one, switches to the new run in one short
transaction (`_run_switch`), then drops the old run. Pages never wait on a recompute and never see
half of an old and half of a new run.

Only one recompute runs at a time (`RECOMPUTE_LOCK`, a `core.locks` lock that a killed holder does
not keep: the next recompute takes it at once): a second one is refused with `LockHeld` ("a recompute is already running,
started at …, by …") before it writes anything, since its clean-up would drop the first one's run.

Evidence never mixes countries (docs/countries.md, "Several countries in one installation"): with
schools of several countries, a recompute computes each country alone, one after another under the one
lock: its own schools' families, its own relative performance and categories, each stored as that
country's run (`EvidenceRun.country_code`), exactly what the country would get in an installation of its
own. With one country nothing changes.
"""

import json
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.audit.services import audit
from kindred.core.bulk import bulk_insert
from kindred.core.changes import touch
from kindred.core.locks import lock_hold
from kindred.core.progress import Progress, Said, no_progress
from kindred.engine.categories import CATEGORIES, derive_categories, parse_categories
from kindred.engine.checks import InstallationCheck, installation_check
from kindred.engine.families import context_matrix, families, fit_weights
from kindred.engine.performance import (
    NEED,
    STRENGTH,
    STRUCTURAL_FEATURES,
    Evidence,
    MeasureModel,
    pool_years,
    relative_performance_table,
)
from kindred.engine.selfcheck import planted_selfcheck
from kindred.evidence.loading import SchoolTable, Series, context_features, outcome_series, school_table
from kindred.evidence.models import (
    EvidenceRun,
    FamilyGap,
    FamilyMember,
    Flag,
    MeasureFit,
    Performance,
    SelfCheck,
    SupportCategory,
)
from kindred.schools.models import MeasureDefinition, School

DEFAULT_K = 20
#: The lock every recompute holds (families, relative performance, both).
RECOMPUTE_LOCK = "evidence.recompute"


@contextmanager
def _recompute_held(*, by, progress: Progress, holder: str = ""):
    """Hold the recompute lock for the block; yields `progress` that also renews the lock. `holder`: a
    message id or a `Said`, kept on the lock and worded for whoever it refuses (core.locks.lock_hold)."""
    with lock_hold(RECOMPUTE_LOCK, what=gettext_noop("A recompute"), by=by, holder=holder) as renew:

        def reporting(done: int, total: int | None = None, message: str = "") -> None:
            renew()
            progress(done, total, message)

        yield reporting


def recompute_countries() -> list[str]:
    """The countries a recompute computes, each alone: those with schools, the installation's in its order
    (COUNTRY, then COUNTRIES), then any other code a school names; the default alone when none has any."""
    present = set(School.objects.order_by().values_list("country_code", flat=True).distinct())
    found = [code for code in [*countries.codes(), *sorted(present)] if code in present]
    return list(dict.fromkeys(found)) or [countries.default_code()]


def _each_country(progress: Progress, codes: list[str], steps: int, work) -> dict:
    """`work(code, table_country, progress)` for each country in turn; progress runs 0..steps per country.

    One country: its outcome, exactly as before (every school, unworded progress). Several: each
    country's outcome under "countries", with the figures of their summaries added up and each progress
    message naming its country.
    """
    if len(codes) == 1:
        return work(codes[0], None, progress)
    outcomes = {}
    for i, code in enumerate(codes):

        def reporting(done: int, total: int | None = None, message: str = "", i=i, code=code) -> None:
            said = Said(gettext_noop("%(country)s: %(step)s"), country=code, step=Said(message))
            progress(i * steps + done, steps * len(codes), said)

        outcomes[code] = work(code, code, reporting)
    return _outcomes_merged(outcomes)


def _outcomes_merged(outcomes: dict[str, dict]) -> dict:
    """Several countries' outcomes in one: their summaries' figures added up (k is the same for all),
    what one country could not estimate or publish named by country, and each country's own outcome."""
    summary: dict[str, Any] = {}
    for outcome in outcomes.values():
        for key, value in outcome.get("summary", {}).items():
            summary[key] = value if key == "k" else summary.get(key, 0) + value
    merged: dict[str, Any] = {"summary": summary, "countries": outcomes}
    if any("published" in outcome for outcome in outcomes.values()):
        merged["published"] = all(outcome.get("published", True) for outcome in outcomes.values())
        merged["why"] = [f"{code}: {line}" for code, o in outcomes.items() for line in o.get("why", [])]
        merged["self-check"] = (
            "passed" if all(o.get("self-check") == "passed" for o in outcomes.values()) else "failed"
        )
    for key in ("not estimated", "no verdicts"):
        found = {
            f"{code} {where}": why for code, o in outcomes.items() for where, why in o.get(key, {}).items()
        }
        if found or any(key in o for o in outcomes.values()):
            merged[key] = found
    if any("weights" in o for o in outcomes.values()):
        merged["weights"] = {code: o.get("weights", {}) for code, o in outcomes.items()}
    return merged


def _context(table: SchoolTable, features: list[str]) -> np.ndarray:
    return context_matrix(table.context, pupils=table.pupils, urban=table.urban, features=features)


def _pooled_outcomes(table: SchoolTable, series: list[Series]) -> np.ndarray:
    """(schools × measures) mean of each outcome over its years, NaN where a school has none."""
    codes = sorted({s.measure for s in series})
    total = np.zeros((table.size, len(codes)))
    count = np.zeros((table.size, len(codes)))
    for s in series:
        j = codes.index(s.measure)
        known = np.isfinite(s.value)
        np.add.at(total[:, j], s.school_index[known], s.value[known])
        np.add.at(count[:, j], s.school_index[known], 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def family_features(table: SchoolTable) -> list[str]:
    """The context families are found in: the context measures the outcome measures declare as their
    predictors (every context measure with data when none declares any), then size and urban/rural."""
    available = context_features(table)
    declared: set[str] = set()
    for predictors in MeasureDefinition.objects.filter(kind=MeasureDefinition.Kind.OUTCOME).values_list(
        "predictors", flat=True
    ):
        declared.update(predictors or [])
    if not declared:
        return available
    return [name for name in available if name in declared or name in STRUCTURAL_FEATURES]


def _run_start(kind: str, country: str | None = None) -> EvidenceRun:
    """A new run of `kind` for `country`'s schools (the default country's when None), being written."""
    return EvidenceRun.objects.create(
        kind=kind, country_code=country or countries.default_code(), status=EvidenceRun.Status.BUILDING
    )


def _run_switch(
    run: EvidenceRun, *, summary: dict, checks: InstallationCheck | None = None, by=None, then=None
) -> None:
    """Make `run` the current one in one short transaction (with `then()` inside it), then drop the rest."""
    with transaction.atomic():
        EvidenceRun.objects.filter(
            kind=run.kind, country_code=run.country_code, status=EvidenceRun.Status.CURRENT
        ).update(status=EvidenceRun.Status.RETIRED)
        run.status = EvidenceRun.Status.CURRENT
        run.finished_at = timezone.now()
        run.summary = summary
        run.checks = {} if checks is None else checks.as_dict()
        run.save(update_fields=["status", "finished_at", "summary", "checks"])
        if then is not None:
            then()
        audit(by, f"evidence.{run.kind}_recomputed", run, **summary.get("summary", {}))
    _runs_drop(keep=run)


def _runs_drop(*, keep: EvidenceRun) -> None:
    """Delete every other run of `keep`'s kind and country, and their rows (one DELETE per table)."""
    others = EvidenceRun.objects.filter(kind=keep.kind, country_code=keep.country_code).exclude(pk=keep.pk)
    _runs_delete(list(others.values_list("pk", flat=True)))


def _runs_delete(old: list[int]) -> None:
    if not old:
        return
    with transaction.atomic():
        for model in (FamilyMember, FamilyGap, Performance, MeasureFit):
            model.all_runs.filter(run_id__in=old).delete()
        EvidenceRun.objects.filter(pk__in=old).delete()


def _has_intake(table: SchoolTable, features: list[str]) -> np.ndarray:
    """Schools with at least one intake context measure known (size and urban/rural do not count)."""
    known = np.zeros(table.size, dtype=bool)
    for name in features:
        if name not in STRUCTURAL_FEATURES and name in table.context:
            known |= np.isfinite(table.context[name])
    return known


def families_recompute(
    *, k: int = DEFAULT_K, fit: bool = True, by=None, progress: Progress = no_progress, holder: str = ""
) -> dict:
    """Each open school's k most similar schools of the same phase and country, as a new run per country.

    Families use the chosen context (`family_features`). A school with no intake context gets no
    family (and is in nobody's), with the reason stored; so does a school alone in its phase.
    Refused with `LockHeld` while another recompute runs.
    """
    with _recompute_held(by=by, progress=progress, holder=holder) as reporting:
        return _each_country(
            reporting,
            recompute_countries(),
            3,
            lambda code, only, report: _families_recompute(
                k=k, fit=fit, by=by, progress=report, country=code, only=only
            ),
        )


def _families_recompute(*, k: int, fit: bool, by, progress: Progress, country: str, only: str | None) -> dict:
    """One country's families (`only`: its code when the installation has several, else None: every school)."""
    progress(0, 3, gettext_noop("loading schools"))
    run = _run_start(EvidenceRun.Kind.FAMILIES, country)
    table = school_table(only)
    features = family_features(table) if table.size else []
    weights = None
    written = gaps = 0
    if table.size:
        intake = _has_intake(table, features)
        rows = np.flatnonzero(intake)
        context = _context(table, features)[rows]
        phase = table.phase[rows]
        if fit and rows.size:
            progress(1, 3, gettext_noop("choosing weights"))
            series = outcome_series(table)
            if series:
                weights = fit_weights(
                    context, _pooled_outcomes(table, series)[rows], groups=phase, k=k, max_evaluations=40
                ).weights
        progress(2, 3, gettext_noop("finding families"))
        found = families(context, groups=phase, k=k, weights=weights) if rows.size else None
        if found is not None:
            ranks = np.broadcast_to(np.arange(1, found.k + 1), found.members.shape)
            present = found.members >= 0
            school_pk = np.broadcast_to(table.pk[rows][:, None], found.members.shape)[present]
            written = bulk_insert(
                FamilyMember._meta.db_table,
                ["run_id", "school_id", "member_id", "rank", "distance"],
                zip(
                    [run.pk] * int(present.sum()),
                    school_pk.tolist(),
                    table.pk[rows][found.members[present]].tolist(),
                    ranks[present].tolist(),
                    found.distances[present].round(6).tolist(),
                    strict=True,
                ),
            )
            alone = rows[~present.any(axis=1)]
        else:
            alone = np.zeros(0, dtype=np.int64)
        gap_rows = [(run.pk, int(pk), FamilyGap.Reason.NO_INTAKE.value) for pk in table.pk[~intake]]
        gap_rows += [(run.pk, int(pk), FamilyGap.Reason.FEW_SCHOOLS.value) for pk in table.pk[alone]]
        gaps = bulk_insert(FamilyGap._meta.db_table, ["run_id", "school_id", "reason"], gap_rows)
    outcome = {
        "summary": {
            "schools": table.size,
            "family members": written,
            "k": k,
            "schools without a family": gaps,
        },
        "features": features,
        "weights": {}
        if weights is None
        else dict(zip(features, np.asarray(weights).round(4).tolist(), strict=True)),
    }
    if only is not None:
        outcome["country"] = only
    _run_switch(run, summary=outcome, by=by)
    progress(3, 3, gettext_noop("done"))
    return outcome


def measure_models(definitions: dict[str, MeasureDefinition]) -> dict[str, MeasureModel]:
    """Each measure's declared model, from its definition (catalogue, mapping or admin)."""
    return {
        code: MeasureModel(
            higher_is_better=d.higher_is_better is not False,
            pupil_sd=d.pupil_sd,
            valid_min=d.valid_min,
            valid_max=d.valid_max,
            predictors=tuple(d.predictors or ()),
            unit=d.unit,
        )
        for code, d in definitions.items()
    }


class NotPublished(Exception):
    """A recompute whose results were kept off the pages: it stored nothing, or failed its self-check."""


def performance_recompute(*, by=None, progress: Progress = no_progress, holder: str = "") -> dict:
    """Relative performance of every school on every outcome, by year and pooled, as a new run.

    Each measure's declared model is used: its valid range (values outside are refused and counted),
    its pupil SD (estimated, and said so, when none is declared) and its predicting context.
    Refused with `LockHeld` while another recompute runs.
    """
    with _recompute_held(by=by, progress=progress, holder=holder) as reporting:
        return _each_country(
            reporting,
            recompute_countries(),
            4,
            lambda code, only, report: _performance_recompute(
                by=by, progress=report, country=code, only=only
            ),
        )


def _performance_recompute(*, by, progress: Progress, country: str, only: str | None) -> dict:
    """One country's relative performance and categories (`only` as in `_families_recompute`)."""
    progress(0, 4, gettext_noop("loading measures"))
    run = _run_start(EvidenceRun.Kind.PERFORMANCE, country)
    table = school_table(only)
    series = outcome_series(table)
    definitions = MeasureDefinition.objects.in_bulk(field_name="code")
    features = context_features(table) if table.size else []
    progress(1, 4, gettext_noop("estimating"))
    yearly = relative_performance_table(
        series,
        context=_context(table, features) if table.size else np.zeros((0, 0)),
        feature_names=features,
        groups=table.phase,
        models=measure_models(definitions),
    )
    pooled = pool_years(yearly, n_schools=table.size, groups=table.phase)
    checks = installation_check(yearly, pooled)
    progress(2, 4, gettext_noop("storing"))
    # One transaction for all the rows: on SQLite each commit also checkpoints the write-ahead log,
    # and 39 commits rewrote the same index pages 39 times (5.7 s of an 18 s recompute).
    # A pooled result is stored with no year, even when it pools a single year (its `year` is then set).
    with transaction.atomic():
        written = _performance_store(
            [*((r, r.year) for r in yearly), *((r, None) for r in pooled)], series, table, run, definitions
        )
    strengths = sum(int((r.verdict[r.valid] == STRENGTH).sum()) for r in pooled)
    needs = sum(int((r.verdict[r.valid] == NEED).sum()) for r in pooled)
    progress(3, 4, gettext_noop("switching to the new results"))
    derived: dict[str, int] = {}
    outcome: dict[str, Any] = {
        "summary": {
            "schools": table.size,
            "measure-years": len(yearly),
            "results stored": written,
            "pooled strengths": strengths,
            "pooled needs": needs,
            "values refused": sum(r.refused for r in yearly),
        },
        "not estimated": {
            f"{r.measure} {r.year or 'pooled'}": r.skipped for r in [*yearly, *pooled] if r.skipped
        },
        "no verdicts": {r.measure: r.withheld for r in pooled if r.withheld},
        "self-check": "passed" if checks.passed else "failed",
    }
    if only is not None:
        outcome["country"] = only
    if written == 0 or not checks.passed:
        outcome["published"] = False
        outcome["why"] = _not_published_why(written, checks, yearly, pooled)
        _run_fail(run, summary=outcome, checks=checks, by=by)
    else:
        outcome["published"] = True
        _run_switch(
            run,
            summary=outcome,
            checks=checks,
            by=by,
            then=lambda: derived.update(n=categories_derive(pooled, table)),
        )
        outcome["summary"]["derived categories"] = derived.get("n", 0)
    progress(4, 4, gettext_noop("done"))
    return outcome


def _not_published_why(written: int, checks: InstallationCheck, yearly, pooled) -> list[str]:
    """Why a run was kept off the pages, one line a measure (English: for the command and the job)."""
    if written == 0:
        lines = [f"{r.measure} {r.year}: {r.skipped} {r.reason}" for r in yearly if r.skipped]
        return lines or ["no outcome measure has any result"]
    return [
        f"{check.measure}: {code} {figures}" for check in checks.measures for code, figures in check.failures
    ]


def _run_fail(run: EvidenceRun, *, summary: dict, checks: InstallationCheck, by=None) -> None:
    """Keep `run` off the pages: its model rows stay for the model page, its results are dropped.

    The current run, and the categories derived from it, stay live. Older unpublished runs of the kind
    are dropped (the model page shows the latest).
    """
    with transaction.atomic():
        run.status = EvidenceRun.Status.FAILED
        run.finished_at = timezone.now()
        run.summary = summary
        run.checks = checks.as_dict()
        run.save(update_fields=["status", "finished_at", "summary", "checks"])
        Performance.all_runs.filter(run=run).delete()
        audit(by, f"evidence.{run.kind}_not_published", run, **summary.get("summary", {}))
    older = EvidenceRun.objects.filter(
        kind=run.kind, country_code=run.country_code, status=EvidenceRun.Status.FAILED
    ).exclude(pk=run.pk)
    _runs_delete(list(older.values_list("pk", flat=True)))


PERFORMANCE_COLUMNS = [
    "run_id",
    "school_id",
    "measure_id",
    "year",
    "value",
    "expected",
    "effect",
    "estimate",
    "lower",
    "upper",
    "z",
    "cohort",
    "cohort_estimated",
    "flag",
]


def _performance_store(
    results: list[tuple[Evidence, int | None]], series, table: SchoolTable, run, definitions
) -> int:
    """Write every (result, year stored) pair's rows and fit row into `run`; returns the rows written.

    The rows go in ordered by school, measure and year (pooled first), the order of the unique index
    (run, school, measure, year): each new entry then lands after the last, where a result's rows in
    school order put each of its entries among the other results' (1.7 s of CPU of 740,000 rows).
    """
    by_series = {(s.measure, s.year): s for s in series}
    parts = []
    fits = []
    for result, year in results:
        estimated = np.zeros(table.size, dtype=bool)
        if year is not None:
            s = by_series[(result.measure, year)]
            estimated[s.school_index] = s.cohort_estimated
        else:
            for s in series:
                if s.measure == result.measure:
                    estimated[s.school_index] |= s.cohort_estimated
        measure_pk = definitions[result.measure].pk
        parts.append(_performance_rows(result, table, measure_pk, estimated, year=year))
        fits.append(_fit_row(result, run, measure_pk, estimated, year=year))
    written = 0
    if parts:
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        parts.clear()
        school, measure, year_key = columns[0], columns[1], columns[2]
        order = np.lexsort((year_key, measure, school))
        stored = [school, measure, *columns[3:]]
        del columns, year_key
        written = bulk_insert(
            Performance._meta.db_table, PERFORMANCE_COLUMNS, _rows_in(order, run.pk, stored)
        )
    MeasureFit.all_runs.bulk_create(fits)
    return written


def _rows_in(order: np.ndarray, run_pk: int, columns: list[np.ndarray], *, chunk: int = 20_000):
    """Tuples of `run_pk` and `columns` in `order`, made a chunk at a time (not 740,000 at once: 350 MB)."""
    for start in range(0, order.size, chunk):
        part = order[start : start + chunk]
        yield from zip([run_pk] * part.size, *(column[part].tolist() for column in columns), strict=True)


def _fit_row(
    result: Evidence, run: EvidenceRun, measure_pk: int, estimated: np.ndarray, *, year: int | None
) -> MeasureFit:
    """What the model page shows for one measure-year, with the self-check of its noise model."""
    valid = result.valid
    noise = result.sampling_var + (result.prediction_var if result.cross_fitted else 0.0)
    keep = valid & (noise > 0) & (result.shrinkage < 1)
    spread = None
    if keep.sum() >= 10:
        # e / sqrt(tau^2 + noise), with tau^2 + noise = noise / (1 - B): variance about 1 when the model fits
        standardised = result.effect[keep] ** 2 * (1 - result.shrinkage[keep]) / noise[keep]
        spread = float(np.mean(standardised))
    status = (
        MeasureFit.Status.SKIPPED
        if result.skipped
        else MeasureFit.Status.WITHHELD
        if result.withheld
        else MeasureFit.Status.ESTIMATED
    )
    return MeasureFit(
        run=run,
        measure_id=measure_pk,
        year=year,
        status=status,
        reason=result.skipped or result.withheld,
        reason_figures={k: _finite(float(v)) for k, v in result.reason.items()},
        schools=int(valid.sum()),
        predictors=list(result.predictors),
        expected_model=result.expected_model if not result.skipped else "",
        r2=_finite(result.r2),
        tau=_finite(np.sqrt(result.tau2)) if np.isfinite(result.tau2) else None,
        tau_model=result.tau2_model if not result.skipped else "",
        tau_slope=float(result.tau2_slope),
        unit=result.unit,
        pupil_sd=_finite(result.pupil_sd),
        pupil_sd_method=result.pupil_sd_method,
        pupil_sd_estimate=_finite(result.pupil_sd_estimate),
        pupil_sd_low=_finite(result.pupil_sd_low),
        pupil_sd_high=_finite(result.pupil_sd_high),
        pupil_sd_bound=_finite(result.pupil_sd_bound),
        model_error={k: round(float(v), 6) for k, v in result.model_error.items()},
        strengths=int((result.verdict[valid] == STRENGTH).sum()),
        needs=int((result.verdict[valid] == NEED).sum()),
        refused=result.refused,
        no_context=result.no_context,
        cohort_estimated=int(estimated[result.school_index[valid]].sum()),
        spread_ratio=spread,
    )


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def categories_derive(pooled: list[Evidence], table: SchoolTable) -> int:
    """Derive green-to-red for schools without a published category; imported categories are kept.

    A measure without verdicts (not estimated, or one year that cannot tell luck from real differences)
    counts for nothing: no red, amber or green comes from it.
    """
    derived = derive_categories([r for r in pooled if r.verdicts], n_schools=table.size)
    # the table's country's categories only (every school's when the table has every country)
    categories = (
        SupportCategory.objects.all()
        if table.country is None
        else SupportCategory.objects.filter(school__country_code=table.country)
    )
    imported = set(
        categories.filter(source=SupportCategory.Source.IMPORTED).values_list("school_id", flat=True)
    )
    derived_before = dict(
        categories.filter(source=SupportCategory.Source.DERIVED).values_list("school_id", "category")
    )
    categories.filter(source=SupportCategory.Source.DERIVED).delete()
    now = timezone.now()
    rows = []
    for row in np.flatnonzero(derived.code >= 0):
        school = int(table.pk[row])
        if school in imported:
            continue
        # The counts, not a sentence: each reader sees the reason in their language (reason_text).
        counts = {
            "needs": int(derived.needs[row]),
            "serious": int(derived.serious_needs[row]),
            "strengths": int(derived.strengths[row]),
            "measures": int(derived.measures[row]),
        }
        rows.append(
            (
                school,
                CATEGORIES[derived.code[row]].value,
                SupportCategory.Source.DERIVED.value,
                "",
                json.dumps(counts),
                now,
            )
        )
    written = bulk_insert(
        SupportCategory._meta.db_table,
        ["school_id", "category", "source", "reason", "counts", "updated_at"],
        rows,
    )
    # A school's category is part of the school in the API: a school whose category changed (or came,
    # or went) is changed for an incremental sync (core/changes.py); the others keep their time.
    derived_now = {school: category for school, category, *_rest in rows}
    touch(
        School,
        [
            s
            for s in derived_before.keys() | derived_now.keys()
            if derived_before.get(s) != derived_now.get(s)
        ],
        at=now,
    )
    return written


@transaction.atomic
def categories_import(*, published: dict[str, str], by=None) -> dict:
    """Store categories an authority published, by registry id; every bad label is reported and nothing stored."""
    ids = list(published)
    codes = parse_categories([published[i] for i in ids])
    schools = dict(School.objects.filter(registry_id__in=ids).values_list("registry_id", "pk"))
    unknown = [i for i in ids if i not in schools]
    before = dict(
        SupportCategory.objects.filter(school__registry_id__in=ids).values_list("school_id", "category")
    )
    stored = 0
    for registry_id, code in zip(ids, codes.tolist(), strict=True):
        if code < 0 or registry_id not in schools:
            continue
        category = CATEGORIES[code].value
        if category != before.get(schools[registry_id]):
            touch(School, [schools[registry_id]])  # changed for an incremental sync (core/changes.py)
        SupportCategory.objects.update_or_create(
            school_id=schools[registry_id],
            defaults={
                "category": category,
                "source": SupportCategory.Source.IMPORTED,
                # Its source says it: "Published by the authority", in the reader's language.
                "reason": "",
                "counts": {},
            },
        )
        stored += 1
    return {"summary": {"stored": stored, "not in the registry": len(unknown)}}


def _performance_rows(
    result: Evidence,
    table: SchoolTable,
    measure_pk: int,
    estimated: np.ndarray,
    *,
    year: int | None,
) -> tuple[np.ndarray, ...]:
    """Stored rows of one engine result (`year` None when pooled over the years), as columns: school,
    measure, year as a sort key (-1 when pooled), year, then PERFORMANCE_COLUMNS from "value" on."""
    valid = result.valid & np.isfinite(result.shrunk)
    index = result.school_index[valid]
    flag = np.where(
        result.verdict[valid] == STRENGTH,
        Flag.STRENGTH,
        np.where(result.verdict[valid] == NEED, Flag.NEED, Flag.NONE),
    ).astype(object)
    z = np.nan_to_num(result.z[valid], nan=0.0)
    cohort = (
        result.cohort[valid]
        if result.cohort.size == result.school_index.size
        else np.full(index.size, np.nan)
    )
    # whole numbers, None where unknown (rounded half to even, as Python's round)
    known = np.isfinite(cohort)
    cohorts = np.round(np.where(known, cohort, 0.0)).astype(np.int64).astype(object)
    cohorts[~known] = None
    years = np.empty(index.size, dtype=object)
    years[:] = year
    return (
        table.pk[index].astype(np.int64),
        np.full(index.size, measure_pk, dtype=np.int64),
        np.full(index.size, -1 if year is None else year, dtype=np.int64),
        years,
        result.value[valid].astype(np.float64),
        result.expected[valid].astype(np.float64),
        result.effect[valid].astype(np.float64),
        result.shrunk[valid].astype(np.float64),
        result.lower[valid].astype(np.float64),
        result.upper[valid].astype(np.float64),
        z.astype(np.float64),
        cohorts,
        estimated[index],
        flag,
    )


def evidence_recompute(
    *, k: int = DEFAULT_K, by=None, progress: Progress = no_progress, holder: str = ""
) -> dict:
    """Families, then relative performance and categories, of each country in turn; progress runs 0–7
    over both (per country).

    The recompute lock is held over both (refused with `LockHeld` while another recompute runs).
    """
    with _recompute_held(by=by, progress=progress, holder=holder) as reporting:

        def both(country: str, only: str | None, progress: Progress) -> dict:
            def step(offset: int) -> Progress:
                def report(done: int, total: int | None = None, message: str = "") -> None:
                    progress(offset + done, 7, message)

                return report

            families = _families_recompute(k=k, fit=True, by=by, progress=step(0), country=country, only=only)
            performance = _performance_recompute(by=by, progress=step(3), country=country, only=only)
            return {
                **performance,
                "summary": {**families["summary"], **performance["summary"]},
                "weights": families.get("weights", {}),
            }

        return _each_country(reporting, recompute_countries(), 7, both)


#: The self-check's planted country, by default: big enough for every cohort band and the big phases
#: to be checked strictly, three years so that pooling is checked too.
SELFCHECK_SCHOOLS = 4000
SELFCHECK_YEARS = (2021, 2022, 2023)


def selfcheck_run(
    *,
    n_schools: int = SELFCHECK_SCHOOLS,
    seed: int = 1,
    years: tuple[int, ...] = SELFCHECK_YEARS,
    by=None,
    progress: Progress = no_progress,
) -> SelfCheck:
    """Run the planted-truth self-check with the live measure models, and store what it found.

    The country is generated in memory (nothing is added to the registry); the engine is configured as
    `performance_recompute` configures it: each measure's declared model from its definition (for the
    generator's measures), every context measure plus size and urban/rural, phases as groups.
    """
    if n_schools < 50:
        raise ValueError(_("A self-check needs at least 50 schools."))
    progress(0, 2, gettext_noop("generating and analysing a planted country"))
    started = timezone.now()
    definitions = MeasureDefinition.objects.in_bulk(field_name="code")
    result = planted_selfcheck(measure_models(definitions), n_schools=n_schools, seed=seed, years=years)
    progress(1, 2, gettext_noop("storing the results"))
    check = SelfCheck.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        seconds=result.seconds,
        schools=result.schools,
        seed=result.seed,
        years=list(result.years),
        passed=result.passed,
        results=result.as_dict(),
        by=by,
    )
    audit(by, "evidence.self_checked", check, passed=result.passed, schools=result.schools)
    progress(2, 2, gettext_noop("done"))
    return check
