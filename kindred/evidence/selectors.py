"""Reads of stored evidence for the dashboard, the school profile and the good-practice finder."""

from dataclasses import dataclass, field

import numpy as np
from django.db.models import (
    Avg,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kindred import countries
from kindred.engine.good_practice import haversine_km
from kindred.engine.performance import COHORT_SPREAD
from kindred.engine.selfcheck import COVERAGE_RANGE, STRICT_COUNT
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
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

CATEGORY_ORDER = ["red", "amber", "yellow", "green"]
SORTS = {
    "severity": "severity",
    "name": "name",
    "category": "support_category__category",
    "phase": "phase",
    "authority": "local_authority__name",
    "pupils": "pupils",
}


@dataclass(frozen=True)
class DashboardFilters:
    region: int | None = None
    local_authority: int | None = None
    phase: str = ""
    category: str = ""
    urban_rural: str = ""


def dashboard_schools(filters: DashboardFilters, *, sort: str = "name") -> QuerySet[School]:
    schools = School.objects.exclude(status=School.Status.CLOSED).select_related(
        "local_authority", "region", "support_category"
    )
    if filters.region:
        schools = schools.filter(region_id=filters.region)
    if filters.local_authority:
        schools = schools.filter(local_authority_id=filters.local_authority)
    if filters.phase:
        schools = schools.filter(phase=filters.phase)
    if filters.category == "none":
        schools = schools.filter(support_category__isnull=True)
    elif filters.category:
        schools = schools.filter(support_category__category=filters.category)
    if filters.urban_rural:
        schools = schools.filter(urban_rural=filters.urban_rural)
    if sort.lstrip("-") == "severity":
        return _by_severity(schools, reverse=sort.startswith("-"))
    field_name = SORTS.get(sort.lstrip("-"), "name")
    return schools.order_by(("-" if sort.startswith("-") else "") + field_name, "name")


#: Support categories from most to least in need of support; no category comes last.
SEVERITY = {"red": 0, "amber": 1, "yellow": 2, "green": 3}


def _by_severity(schools: QuerySet[School], *, reverse: bool = False) -> QuerySet[School]:
    """Red first, then amber, yellow, green, none; within a category, more needs first, then stronger
    needs (the sum of their z, most negative first), then by name."""
    needs = Performance.objects.filter(school=OuterRef("pk"), year__isnull=True, flag=Flag.NEED).order_by()
    rank = Case(
        *[When(support_category__category=c, then=Value(i)) for c, i in SEVERITY.items()],
        default=Value(len(SEVERITY)),
        output_field=IntegerField(),
    )
    annotated = schools.annotate(
        severity=rank,
        need_count=Coalesce(
            Subquery(needs.values("school").annotate(n=Count("pk")).values("n")[:1]), Value(0)
        ),
        need_strength=Coalesce(
            Subquery(needs.values("school").annotate(total=Sum("z")).values("total")[:1]), Value(0.0)
        ),
    )
    if reverse:
        return annotated.order_by("-severity", "need_count", "-need_strength", "name")
    return annotated.order_by("severity", "-need_count", "need_strength", "name")


def needs_of(schools: list[School]) -> dict[int, list[Performance]]:
    """Each listed school's pooled needs, strongest first (one query for a page of schools)."""
    rows = (
        Performance.objects.filter(school__in=schools, year__isnull=True, flag=Flag.NEED)
        .select_related("measure")
        .order_by("z")
    )
    found: dict[int, list[Performance]] = {}
    for row in rows:
        found.setdefault(row.school_id, []).append(row)
    return found


def category_counts(schools: QuerySet[School]) -> dict:
    """Counts by support category and phase: {"rows": [(phase label, {category: n}, total)], "totals": {...}}."""
    counts = schools.order_by().values("phase", "support_category__category").annotate(n=Count("pk"))
    phases = dict(School.Phase.choices)
    table: dict[str, dict[str, int]] = {}
    totals = {c: 0 for c in [*CATEGORY_ORDER, "none"]}
    for row in counts:
        category = row["support_category__category"] or "none"
        table.setdefault(row["phase"], {c: 0 for c in totals})[category] += row["n"]
        totals[category] += row["n"]
    profile = countries.profile()
    rows = [
        (profile.phase_label(p, str(phases.get(p, p))), cells, sum(cells.values()))
        for p, cells in sorted(table.items())
    ]
    return {"rows": rows, "totals": totals, "total": sum(totals.values())}


def map_points(schools: QuerySet[School], *, limit: int = 6000) -> list[tuple]:
    """(latitude, longitude, category, name, url-id, authority id, authority name) of located schools,
    at most `limit` of them."""
    located = schools.filter(latitude__isnull=False, longitude__isnull=False).order_by()
    return list(
        located.values_list(
            "latitude",
            "longitude",
            "support_category__category",
            "name",
            "registry_id",
            "local_authority_id",
            "local_authority__name",
        )[:limit]
    )


@dataclass
class OutcomeEvidence:
    measure: MeasureDefinition
    pooled: Performance | None
    years: list[Performance] = field(default_factory=list)


def school_outcomes(school: School) -> list[OutcomeEvidence]:
    """Each outcome measure's pooled estimate and its yearly results, in catalogue order."""
    rows = (
        Performance.objects.filter(school=school).select_related("measure").order_by("measure__code", "year")
    )
    by_measure: dict[int, OutcomeEvidence] = {}
    for row in rows:
        item = by_measure.setdefault(row.measure_id, OutcomeEvidence(measure=row.measure, pooled=None))
        if row.year is None:
            item.pooled = row
        else:
            item.years.append(row)
    return sorted(by_measure.values(), key=lambda e: (e.measure.domain, e.measure.code))


def school_family(school: School) -> list[FamilyMember]:
    return list(
        FamilyMember.objects.filter(school=school).select_related(
            "member", "member__local_authority", "member__support_category"
        )
    )


def context_against_family(school: School, family: list[FamilyMember]) -> list[dict]:
    """Each context measure: the school's latest value next to its family's average."""
    members = [m.member_id for m in family]
    context = SchoolMeasure.objects.filter(measure__kind=MeasureDefinition.Kind.CONTEXT, suppressed=False)
    own = {m.measure_id: m for m in context.filter(school=school).select_related("measure").order_by("year")}
    averages = dict(
        context.filter(school_id__in=members)
        .values("measure_id")
        .annotate(mean=Avg("value"))
        .values_list("measure_id", "mean")
    )
    return [
        {"measure": m.measure, "value": m.value, "family": averages.get(measure_id)}
        for measure_id, m in sorted(own.items(), key=lambda item: item[1].measure.code)
    ]


def strengths_and_needs(
    outcomes: list[OutcomeEvidence],
) -> tuple[list[OutcomeEvidence], list[OutcomeEvidence]]:
    flagged = [(o, o.pooled) for o in outcomes if o.pooled is not None]
    return (
        [o for o, pooled in flagged if pooled.flag == Flag.STRENGTH],
        [o for o, pooled in flagged if pooled.flag == Flag.NEED],
    )


def outcome_domains() -> list[str]:
    return list(
        MeasureDefinition.objects.filter(kind=MeasureDefinition.Kind.OUTCOME)
        .order_by("domain")
        .values_list("domain", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class GoodPracticeRow:
    school: School
    evidence: Performance
    distance_km: float | None


def good_practice(
    *,
    domain: str,
    start: School | None = None,
    phase: str = "",
    max_km: float | None = None,
    other_authority_only: bool = False,
    supporting_only: bool = False,
    category_scope: Q | None = None,
    countries_in: list[str] | None = None,
) -> list[GoodPracticeRow]:
    """Schools with a reliable strength in `domain` (pooled over years), nearest first from `start`.

    `countries_in`: only schools of these countries (profile codes; None: every country). Evidence never
    mixes countries: a strength is one against the school's own country's model, and the finder proposes
    no school of another country (pages/finder.py gives the starting school's, else the reader's).

    Without a starting school they are ordered by strength of evidence. Each school appears once,
    with its strongest measure in the domain. `supporting_only` leaves out schools that are red or
    amber themselves, but only among the schools whose category the reader may see
    (`category_scope`, a filter on School from accounts.access.category_scope_for_user; None: every
    school): leaving out others would reveal their category by their absence.
    """
    strengths = Performance.objects.filter(
        year__isnull=True, flag=Flag.STRENGTH, measure__domain=domain
    ).select_related("school", "school__local_authority", "school__support_category", "measure")
    strengths = strengths.exclude(school__status=School.Status.CLOSED)
    if countries_in is not None:
        strengths = strengths.filter(school__country_code__in=countries_in)
    if supporting_only:
        red_or_amber = Q(school__support_category__category__in=["red", "amber"])
        if category_scope is not None:
            red_or_amber &= Q(school__in=School.objects.filter(category_scope).values("pk"))
        strengths = strengths.exclude(red_or_amber)
    if phase:
        strengths = strengths.filter(school__phase=phase)
    if start is not None:
        strengths = strengths.exclude(school=start)
        if other_authority_only and start.local_authority_id:
            strengths = strengths.filter(~Q(school__local_authority_id=start.local_authority_id))
    best: dict[int, Performance] = {}
    for row in strengths:
        if row.school_id not in best or row.z > best[row.school_id].z:
            best[row.school_id] = row
    rows = list(best.values())
    distances: list[float | None] = [None] * len(rows)
    # Distances from a starting school placed by both coordinates (the admin may leave one empty).
    origin = None
    if start is not None and start.latitude is not None and start.longitude is not None:
        origin = (start.latitude, start.longitude)
    if origin is not None and rows:
        lat = np.array([np.nan if r.school.latitude is None else r.school.latitude for r in rows])
        lon = np.array([np.nan if r.school.longitude is None else r.school.longitude for r in rows])
        km = haversine_km(*origin, lat, lon)
        distances = [None if np.isnan(d) else float(d) for d in km]
    result = [GoodPracticeRow(r.school, r, d) for r, d in zip(rows, distances, strict=True)]
    if max_km is not None and start is not None:
        result = [r for r in result if r.distance_km is not None and r.distance_km <= max_km]
    if origin is not None:
        result.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0.0))
    else:
        result.sort(key=lambda r: -r.evidence.z)
    return result


def category_of(school: School) -> SupportCategory | None:
    return SupportCategory.objects.filter(school=school).first()


@dataclass
class MeasureModelRows:
    measure: MeasureDefinition
    fits: list[MeasureFit] = field(default_factory=list)  # years, then pooled
    check: dict = field(default_factory=dict)  # the installation self-check of the measure

    @property
    def pooled(self) -> MeasureFit | None:
        return next((f for f in self.fits if f.year is None), None)

    @property
    def failures(self) -> list[dict]:
        return list(self.check.get("failures", []))

    @property
    def skipped_years(self) -> list[MeasureFit]:
        return [f for f in self.fits if f.year is not None and f.status == MeasureFit.Status.SKIPPED]


def _of_country(fits: QuerySet, country: str | None) -> QuerySet:
    """Model rows of one country's runs (`country`, a profile code), or of every run (None)."""
    return fits if country is None else fits.filter(run__country_code=country)


def evidence_countries() -> list[str]:
    """The countries with a current or an unpublished run of evidence, the installation's order first (the
    model page's choice when there are several): a country whose only recompute was kept off the pages is
    shown under its own name, with why."""
    found = set(
        EvidenceRun.objects.filter(
            status__in=[EvidenceRun.Status.CURRENT, EvidenceRun.Status.FAILED]
        ).values_list("country_code", flat=True)
    )
    return [code for code in dict.fromkeys([*countries.codes(), *sorted(found)]) if code in found]


def model_fits(run: EvidenceRun | None = None, *, country: str | None = None) -> list[MeasureModelRows]:
    """The model of every measure, year by year and pooled, with its self-check (for the model page).

    `run`: the current performance run (of `country`, when the installation has several) when None, or
    another (an unpublished one, to show why).
    """
    rows = (
        (
            _of_country(MeasureFit.objects.all(), country)
            if run is None
            else MeasureFit.all_runs.filter(run=run)
        )
        .select_related("measure", "run")
        .order_by("measure__domain", "measure__code", "year")
    )
    by_measure: dict[int, MeasureModelRows] = {}
    for row in rows:
        item = by_measure.setdefault(row.measure_id, MeasureModelRows(measure=row.measure))
        item.fits.append(row)
        item.check = row.run.checks.get("measures", {}).get(row.measure.code, {})
    for item in by_measure.values():
        item.fits.sort(key=lambda f: (f.year is None, f.year or 0))
    return list(by_measure.values())


def unpublished_run(*, country: str | None = None) -> EvidenceRun | None:
    """The latest performance run kept off the pages (stored nothing, or failed its self-check), if it is
    newer than the current one: the model page shows it and why (of `country`'s runs, when given)."""
    runs = EvidenceRun.objects.filter(kind=EvidenceRun.Kind.PERFORMANCE)
    if country is not None:
        runs = runs.filter(country_code=country)
    failed = runs.filter(status=EvidenceRun.Status.FAILED).first()
    current = runs.filter(status=EvidenceRun.Status.CURRENT).first()
    if failed is None or (current is not None and current.started_at > failed.started_at):
        return None
    return failed


def current_runs(*, country: str | None = None) -> dict[str, object]:
    """The current run of each kind (families, performance), or None (of `country`, when given)."""
    runs = EvidenceRun.objects.filter(status=EvidenceRun.Status.CURRENT)
    if country is not None:
        runs = runs.filter(country_code=country)
    return {run.kind: run for run in runs}


def family_gap(school: School):
    """Why the school has no family in the current run, or None."""
    return FamilyGap.objects.filter(school=school).first()


def between_school_sd(*, country: str | None = None) -> dict[int, float]:
    """Each measure's pooled between-school SD (tau) in the current run (of `country`), by measure pk."""
    return {
        measure: tau
        for measure, tau in _of_country(
            MeasureFit.objects.filter(year__isnull=True, tau__gt=0), country
        ).values_list("measure_id", "tau")
        if tau is not None  # never (tau > 0), but the column may be null
    }


def _judged(figure: dict | None) -> dict:
    """A coverage figure with `missed`: a group big enough to judge, outside the target range."""
    figure = dict(figure or {})
    share, count = figure.get("share"), figure.get("count") or 0
    low, high = COVERAGE_RANGE
    figure["missed"] = share is not None and count >= STRICT_COUNT and not low <= share <= high
    return figure


def latest_selfcheck() -> SelfCheck | None:
    """The latest planted-truth self-check, with the rows the model page shows, or None."""
    check = SelfCheck.objects.select_related("by").first()
    if check is None:
        return None
    coverage = check.results.get("coverage", {})
    yearly, pooled = coverage.get("yearly", {}), coverage.get("pooled", {})
    profile = countries.profile()
    phases = dict(School.Phase.choices)
    bands = {
        "<15": _("cohort under 15"),
        "15-30": _("cohort 15 to 29"),
        "30-60": _("cohort 30 to 59"),
        "60+": _("cohort 60 or more"),
    }
    rows = [(_("All schools"), yearly.get("overall"), pooled.get("overall"))]
    rows += [
        (label, yearly.get("bands", {}).get(band), pooled.get("bands", {}).get(band))
        for band, label in bands.items()
    ]
    rows += [
        (
            profile.phase_label(phase, str(phases.get(phase, phase))),
            figure,
            pooled.get("phases", {}).get(phase),
        )
        for phase, figure in yearly.get("phases", {}).items()
    ]
    check.coverage_rows = [  # type: ignore[attr-defined]
        {"group": group, "yearly": _judged(one), "pooled": _judged(many)} for group, one, many in rows
    ]
    check.rmse = check.results.get("rmse", {})  # type: ignore[attr-defined]
    check.flags = check.results.get("flags", {})  # type: ignore[attr-defined]
    found = check.results.get("pupil_sd", {})
    labels = {d.code: d.label for d in MeasureDefinition.objects.filter(code__in=list(found))}
    check.pupil_sds = [  # type: ignore[attr-defined]
        {"measure": labels.get(code, code), **figures} for code, figures in sorted(found.items())
    ]
    return check


def pupil_sd_from_one_year(*, country: str | None = None) -> set[int]:
    """Measures (pks) whose pupil SD the current run (of `country`) had to estimate from a single year's
    results."""
    return set(
        _of_country(MeasureFit.objects.filter(year__isnull=True), country)
        .filter(Q(pupil_sd_method=COHORT_SPREAD) | Q(pupil_sd_low__isnull=False))
        .values_list("measure_id", flat=True)
    )


def measures_without_verdicts(*, country: str | None = None) -> dict[int, str]:
    """Measures (pks) the current run (of `country`) estimated without verdicts, with the reason in the
    reader's language."""
    reasons = dict(MeasureFit.Reason.choices)
    fits = _of_country(
        MeasureFit.objects.filter(year__isnull=True, status=MeasureFit.Status.WITHHELD), country
    )
    return {
        measure: str(reasons.get(reason, reason))
        for measure, reason in fits.values_list("measure_id", "reason")
    }


#: What `country_evidence` compares of each stored row (every figure a page or export shows).
_PERFORMANCE_FIGURES = (
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
)
_FIT_FIGURES = (
    "status",
    "reason",
    "schools",
    "predictors",
    "expected_model",
    "r2",
    "tau",
    "tau_model",
    "tau_slope",
    "pupil_sd",
    "pupil_sd_method",
    "pupil_sd_estimate",
    "pupil_sd_low",
    "pupil_sd_high",
    "pupil_sd_bound",
    "model_error",
    "strengths",
    "needs",
    "refused",
    "spread_ratio",
)


def country_evidence(country: str) -> dict[str, dict]:
    """Everything the current runs stored for one country's schools, keyed by registry ids and measure
    codes, not by database ids: to compare a country in one installation with the same country in another
    (the three-country proof, docs/countries.md). Families: each school's members in rank order with their
    distances; performance: each (school, measure, year or None) row's figures; fits: each (measure, year)'s
    model; categories: each school's derived category and counts; runs: each kind's features, weights and
    self-check (its verdict and every figure of it)."""
    schools = School.objects.filter(country_code=country)
    families: dict[str, list] = {}
    for school, member, distance in (
        FamilyMember.objects.filter(school__in=schools, run__country_code=country)
        .order_by("school__registry_id", "rank")
        .values_list("school__registry_id", "member__registry_id", "distance")
    ):
        families.setdefault(school, []).append((member, distance))
    gaps = dict(
        FamilyGap.objects.filter(school__in=schools, run__country_code=country).values_list(
            "school__registry_id", "reason"
        )
    )
    performance = {
        (school, measure, year): tuple(figures)
        for school, measure, year, *figures in Performance.objects.filter(
            school__in=schools, run__country_code=country
        ).values_list("school__registry_id", "measure__code", "year", *_PERFORMANCE_FIGURES)
    }
    fits = {
        (measure, year): tuple(figures)
        for measure, year, *figures in MeasureFit.objects.filter(run__country_code=country).values_list(
            "measure__code", "year", *_FIT_FIGURES
        )
    }
    categories = {
        school: (category, source, counts)
        for school, category, source, counts in SupportCategory.objects.filter(
            school__in=schools
        ).values_list("school__registry_id", "category", "source", "counts")
    }
    runs = {
        run.kind: {
            "features": run.summary.get("features"),
            "weights": run.summary.get("weights"),
            "self-check": run.summary.get("self-check"),
            # the installation's self-check of the run, every figure: judged on the country's schools alone
            "checks": run.checks,
        }
        for run in EvidenceRun.objects.filter(status=EvidenceRun.Status.CURRENT, country_code=country)
    }
    return {
        "families": families,
        "gaps": gaps,
        "performance": performance,
        "fits": fits,
        "categories": categories,
        "runs": runs,
    }
