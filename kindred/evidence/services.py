"""Writes of the evidence app: recompute families and relative performance, and store them.

Pages never compute: they read what the last recompute stored. A recompute replaces the stored
results whole, inside one transaction, so a page never sees half of an old and half of a new run.
"""

from dataclasses import replace

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.core.bulk import bulk_insert
from kindred.core.progress import Progress, no_progress
from kindred.engine.categories import CATEGORIES, derive_categories, parse_categories
from kindred.engine.families import context_matrix, families, fit_weights
from kindred.engine.performance import NEED, STRENGTH, Evidence, pool_years, relative_performance_table
from kindred.evidence.loading import SchoolTable, Series, outcome_series, school_table
from kindred.evidence.models import FamilyMember, Flag, Performance, SupportCategory
from kindred.schools.models import MeasureDefinition, School

DEFAULT_K = 20


def _context(table: SchoolTable) -> np.ndarray:
    return context_matrix(table.context, pupils=table.pupils, urban=table.urban)


#: A school's intake is known when at least one of these was published for it.
INTAKE_CODES = ("fsm_pct", "eal_pct", "sen_support_pct", "sen_ehcp_pct", "prior_attainment")


def _with_known_intake(table: SchoolTable, series: list[Series]) -> list[Series]:
    """Drop results of schools with no published intake (in England, most independent schools):
    what their intake predicts cannot be worked out, so no estimate is made for them."""
    known = np.zeros(table.size, dtype=bool)
    for code in INTAKE_CODES:
        if code in table.context:
            known |= np.isfinite(table.context[code])
    kept = []
    for s in series:
        keep = known[s.school_index]
        if keep.any():
            kept.append(
                replace(s, school_index=s.school_index[keep], value=s.value[keep], cohort=s.cohort[keep])
            )
    return kept


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


@transaction.atomic
def families_recompute(*, k: int = DEFAULT_K, fit: bool = True, progress: Progress = no_progress) -> dict:
    """Each open school's k most similar schools of the same phase; replaces the stored families."""
    progress(0, 3, "loading schools")
    table = school_table()
    if table.size == 0:
        FamilyMember.objects.all().delete()
        return {"summary": {"schools": 0, "family members": 0}}
    context = _context(table)
    weights = None
    if fit:
        progress(1, 3, "choosing weights")
        series = outcome_series(table)
        if series:
            weights = fit_weights(
                context, _pooled_outcomes(table, series), groups=table.phase, k=k, max_evaluations=40
            ).weights
    progress(2, 3, "finding families")
    found = families(context, groups=table.phase, k=k, weights=weights)
    FamilyMember.objects.all().delete()
    ranks = np.broadcast_to(np.arange(1, found.k + 1), found.members.shape)
    present = found.members >= 0
    school_pk = np.broadcast_to(table.pk[:, None], found.members.shape)[present]
    rows = zip(
        school_pk.tolist(),
        table.pk[found.members[present]].tolist(),
        ranks[present].tolist(),
        found.distances[present].round(6).tolist(),
        strict=True,
    )
    written = bulk_insert(FamilyMember._meta.db_table, ["school_id", "member_id", "rank", "distance"], rows)
    progress(3, 3, "done")
    return {
        "summary": {"schools": table.size, "family members": written, "k": k},
        "weights": dict(zip(_feature_names(), np.asarray(found.weights).round(4).tolist(), strict=False)),
    }


def _feature_names() -> list[str]:
    from kindred.engine.families import CONTEXT_FEATURES

    return list(CONTEXT_FEATURES)


@transaction.atomic
def performance_recompute(*, progress: Progress = no_progress) -> dict:
    """Relative performance of every school on every outcome, by year and pooled; replaces stored results."""
    progress(0, 4, "loading measures")
    table = school_table()
    series = _with_known_intake(table, outcome_series(table))
    definitions = MeasureDefinition.objects.in_bulk(field_name="code")
    higher = {code: definitions[code].higher_is_better is not False for code in definitions}
    progress(1, 4, "estimating")
    yearly = relative_performance_table(
        series, context=_context(table), groups=table.phase, higher_is_better=higher
    )
    pooled = pool_years(yearly, n_schools=table.size)
    progress(2, 4, "storing")
    Performance.objects.all().delete()
    cohorts = {(s.measure, s.year): (s.school_index, s.cohort) for s in series}
    columns = [
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
        "flag",
    ]
    written = 0
    for result, year in [*((r, r.years[0]) for r in yearly), *((r, None) for r in pooled)]:
        cohort = None
        if year is not None:
            index, sizes = cohorts[(result.measure, year)]
            cohort = np.full(table.size, np.nan)
            cohort[index] = sizes
        rows = _performance_rows(result, year, table, definitions[result.measure].pk, cohort)
        written += bulk_insert(Performance._meta.db_table, columns, rows)
    progress(3, 4, "deriving support categories")
    derived = categories_derive(pooled, table)
    progress(4, 4, "done")
    flags = Performance.objects.filter(year__isnull=True).exclude(flag=Flag.NONE)
    return {
        "summary": {
            "schools": table.size,
            "measure-years": len(yearly),
            "results stored": written,
            "pooled strengths": flags.filter(flag=Flag.STRENGTH).count(),
            "pooled needs": flags.filter(flag=Flag.NEED).count(),
            "derived categories": derived,
        }
    }


def categories_derive(pooled: list[Evidence], table: SchoolTable) -> int:
    """Derive green-to-red for schools without a published category; imported categories are kept."""
    derived = derive_categories(pooled, n_schools=table.size)
    imported = set(
        SupportCategory.objects.filter(source=SupportCategory.Source.IMPORTED).values_list(
            "school_id", flat=True
        )
    )
    SupportCategory.objects.filter(source=SupportCategory.Source.DERIVED).delete()
    now = timezone.now()
    rows = []
    for row in np.flatnonzero(derived.code >= 0):
        school = int(table.pk[row])
        if school in imported:
            continue
        reason = _(
            "%(needs)d reliable needs (%(serious)d well below), %(strengths)d strengths over %(measures)d measures"
        ) % {
            "needs": derived.needs[row],
            "serious": derived.serious_needs[row],
            "strengths": derived.strengths[row],
            "measures": derived.measures[row],
        }
        rows.append(
            (school, CATEGORIES[derived.code[row]].value, SupportCategory.Source.DERIVED.value, reason, now)
        )
    return bulk_insert(
        SupportCategory._meta.db_table, ["school_id", "category", "source", "reason", "updated_at"], rows
    )


@transaction.atomic
def categories_import(*, published: dict[str, str], by=None) -> dict:
    """Store categories an authority published, by registry id; every bad label is reported and nothing stored."""
    ids = list(published)
    codes = parse_categories([published[i] for i in ids])
    schools = dict(School.objects.filter(registry_id__in=ids).values_list("registry_id", "pk"))
    unknown = [i for i in ids if i not in schools]
    stored = 0
    for registry_id, code in zip(ids, codes.tolist(), strict=True):
        if code < 0 or registry_id not in schools:
            continue
        SupportCategory.objects.update_or_create(
            school_id=schools[registry_id],
            defaults={
                "category": CATEGORIES[code].value,
                "source": SupportCategory.Source.IMPORTED,
                "reason": _("Published by the authority"),
            },
        )
        stored += 1
    return {"summary": {"stored": stored, "not in the registry": len(unknown)}}


def _performance_rows(
    result: Evidence, year: int | None, table: SchoolTable, measure_pk: int, cohort: np.ndarray | None
):
    """Stored rows of one engine result; `year` None for a result pooled over the years."""
    valid = result.valid & np.isfinite(result.shrunk)
    index = result.school_index[valid]
    flag = np.where(
        result.verdict[valid] == STRENGTH,
        Flag.STRENGTH,
        np.where(result.verdict[valid] == NEED, Flag.NEED, Flag.NONE),
    )
    z = np.nan_to_num(result.z[valid], nan=0.0)
    cohorts = (
        [None] * index.size if cohort is None else [None if np.isnan(c) else int(c) for c in cohort[index]]
    )
    return zip(
        table.pk[index].tolist(),
        [measure_pk] * index.size,
        [year] * index.size,
        result.value[valid].tolist(),
        result.expected[valid].tolist(),
        result.effect[valid].tolist(),
        result.shrunk[valid].tolist(),
        result.lower[valid].tolist(),
        result.upper[valid].tolist(),
        z.tolist(),
        cohorts,
        flag.tolist(),
        strict=True,
    )


def evidence_recompute(*, k: int = DEFAULT_K, progress: Progress = no_progress) -> dict:
    """Families, then relative performance and categories; progress runs 0–6 over both."""
    families = families_recompute(
        k=k, progress=lambda done, total=None, message="": progress(done, 7, message)
    )
    performance = performance_recompute(
        progress=lambda done, total=None, message="": progress(3 + done, 7, message)
    )
    return {
        "summary": {**families["summary"], **performance["summary"]},
        "weights": families.get("weights", {}),
    }
