"""Did taking part help? The change in schools' results after they joined, against schools that had not.

Schools join a programme (its networks or partnerships) in different years. A two-way fixed-effects
regression would compare late joiners with early joiners who are already affected, and can flip the
sign when effects grow with time. Instead each *cohort* g — the schools that joined in year g — is
compared, in each year t, with the schools that had not joined by t nor by the year before g
(never-treated and not-yet-treated schools, the cohort itself left out), on the change since the year
before joining: the group-time effects of Callaway and Sant'Anna (2021), in their outcome-regression
form. The controls' change is predicted from each school's context by least squares fitted on the
controls alone, so a cohort chosen for its context is compared with schools like it.

The group-time effects are averaged, weighted by how many schools each holds, into an event study
(the effect e years after joining, e = -1 being the base year and 0 by construction) and one overall
effect over every year after joining. Standard errors come from influence functions summed by school
— every year of one school counts as one school, and a control shared by many cohorts counts once —
with Student's t on (treated schools - 1) degrees of freedom. The years before joining are the
pre-trend check: a joint Wald test that they show no effect (a programme joined by schools that were
already declining, or rising, fails it). Below MIN_TREATED schools with a year after joining, or
MIN_CONTROLS controls in a year, the answer is "too few schools to tell", not a number.

The control fits are shared by every unit estimated on one panel (a programme's 3,500 networks reuse
them): `ImpactPanel` fits them once and `ImpactPanel.estimate(schools)` answers for one unit.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

#: A school that never joined.
NEVER = np.iinfo(np.int64).max
#: Fewest treated schools (with a result after joining) for an estimate.
MIN_TREATED = 5
#: Fewest controls in a cohort-year for its effect to be used.
MIN_CONTROLS = 20
#: Outcome codes (rendered in the reader's language by the app).
ESTIMATED = "estimated"
TOO_FEW = "too-few-schools"
#: The pre-trend check fails below this p-value.
PRE_TREND_ALPHA = 0.05
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Effect:
    """One estimate: the effect, its 95% interval and standard error, and how many schools made it."""

    effect: float
    lower: float
    upper: float
    se: float
    schools: int


@dataclass(frozen=True)
class ImpactEstimate:
    """A unit's outcome effect: overall, by years since joining, and the pre-trend check."""

    outcome: str
    treated_schools: int
    control_schools: int
    overall: Effect | None = None
    #: years since joining (negative: before) -> effect; -1 is the base year and not listed.
    event_study: dict[int, Effect] = field(default_factory=dict)
    pre_trend_p: float = np.nan
    pre_trend_years: int = 0

    @property
    def pre_trend_failed(self) -> bool:
        return bool(np.isfinite(self.pre_trend_p) and self.pre_trend_p < PRE_TREND_ALPHA)


@dataclass(frozen=True)
class _Cell:
    """Cohort g in year t: the controls' fit of their change since g - 1 on context."""

    g: int
    t: int
    beta: np.ndarray  # (k + 1,)
    controls: int
    #: each school's share of the fit's error: M^-1 x_j e_j / n_c for controls, 0 for the others.
    basis: np.ndarray  # (n_schools, k + 1)


class ImpactPanel:
    """Schools' results by year, the year each joined (or NEVER), their context; control fits made once.

    values: (schools, years) with NaN where a school has no result; joined: index of the first year
    taking part (0 .. years - 1) or NEVER; context: (schools, k) or None (then the controls' mean change).
    A cohort that joined in the first year has no year before joining and is not estimated.
    """

    def __init__(self, values: np.ndarray, joined: np.ndarray, context: np.ndarray | None = None) -> None:
        self.values = np.asarray(values, dtype=float)
        self.joined = np.asarray(joined, dtype=np.int64)
        n, self.n_years = self.values.shape
        if self.joined.shape != (n,):
            raise ValueError("joined must hold one year per school")
        if context is None:
            context = np.zeros((n, 0))
        context = np.asarray(context, dtype=float)
        if context.shape[0] != n:
            raise ValueError("context must hold one row per school")
        filled = np.where(np.isfinite(context), context, np.nanmean(context, axis=0) if context.size else 0.0)
        scale = filled.std(axis=0)
        standard = (filled - filled.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
        self.design = np.column_stack([np.ones(n), standard[:, scale > 0]])
        self.cells: dict[tuple[int, int], _Cell] = {}
        cohorts = np.unique(self.joined[(self.joined >= 1) & (self.joined < self.n_years)])
        for g in cohorts.tolist():
            for t in range(self.n_years):
                if t != g - 1:
                    cell = self._fit(g, t)
                    if cell is not None:
                        self.cells[(g, t)] = cell
        self._cross: dict[tuple[tuple[int, int], tuple[int, int]], np.ndarray] = {}

    def _fit(self, g: int, t: int) -> _Cell | None:
        change = self.values[:, t] - self.values[:, g - 1]
        control = (self.joined > max(t, g - 1)) & (self.joined != g) & np.isfinite(change)
        n_c = int(control.sum())
        x = self.design[control]
        if n_c < max(MIN_CONTROLS, 2 * x.shape[1]):
            return None
        gram = x.T @ x / n_c
        inverse = np.linalg.pinv(gram)
        beta = inverse @ (x.T @ change[control] / n_c)
        residual = change[control] - x @ beta
        basis = np.zeros_like(self.design)
        basis[control] = (x @ inverse) * (residual / n_c)[:, None]
        return _Cell(g, t, beta, n_c, basis)

    def _control_covariance(self, a: tuple[int, int], b: tuple[int, int]) -> np.ndarray:
        key = (a, b) if a <= b else (b, a)
        if key not in self._cross:
            self._cross[key] = self.cells[key[0]].basis.T @ self.cells[key[1]].basis
        return self._cross[key] if a <= b else self._cross[key].T

    def estimate(self, schools: np.ndarray | None = None) -> ImpactEstimate:
        """The effect on the given schools (indices; all that joined when None) of having joined."""
        joined = self.joined
        unit = np.flatnonzero((joined >= 1) & (joined < self.n_years))
        if schools is not None:
            unit = np.intersect1d(unit, np.asarray(schools, dtype=np.int64))
        # per cell: the unit's treated schools with a change, their effect and their influence
        effects: dict[tuple[int, int], float] = {}
        counts: dict[tuple[int, int], int] = {}
        treated_if: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        mean_x: dict[tuple[int, int], np.ndarray] = {}
        for g in np.unique(joined[unit]).tolist():
            members = unit[joined[unit] == g]
            for t in range(self.n_years):
                cell = self.cells.get((g, t))
                if cell is None:
                    continue
                change = self.values[members, t] - self.values[members, g - 1]
                ok = np.isfinite(change)
                if not ok.any():
                    continue
                rows = members[ok]
                gap = change[ok] - self.design[rows] @ cell.beta
                effects[(g, t)] = float(gap.mean())
                counts[(g, t)] = len(rows)
                # over n - 1, not n: the cohort-year's own mean is estimated (as in the sample variance)
                n_rows = len(rows)
                scale = np.sqrt(n_rows / (n_rows - 1)) / n_rows if n_rows > 1 else 1.0
                treated_if[(g, t)] = (rows, (gap - gap.mean()) * scale)
                mean_x[(g, t)] = self.design[rows].mean(axis=0)
        post = [c for c in effects if c[1] >= c[0]]
        treated_post = np.unique(np.concatenate([treated_if[c][0] for c in post])) if post else np.array([])
        controls = max((self.cells[c].controls for c in effects), default=0)
        if len(treated_post) < MIN_TREATED:
            return ImpactEstimate(TOO_FEW, len(treated_post), controls)
        df = max(len(treated_post) - 1, 1)

        def combination(cells: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
            total = sum(counts[c] for c in cells)
            return {c: counts[c] / total for c in cells}

        by_event: dict[int, list[tuple[int, int]]] = {}
        for g, t in effects:
            by_event.setdefault(t - g, []).append((g, t))
        combos = [combination(post)] + [combination(by_event[e]) for e in sorted(by_event)]
        covariance = self._covariance(combos, treated_if, mean_x)
        values = np.array([sum(w * effects[c] for c, w in combo.items()) for combo in combos])
        se = np.sqrt(np.maximum(np.diag(covariance), 0.0))
        quantile = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df))

        def effect(i: int, combo: dict[tuple[int, int], float]) -> Effect:
            schools = len(np.unique(np.concatenate([treated_if[c][0] for c in combo])))
            return Effect(
                float(values[i]),
                float(values[i] - quantile * se[i]),
                float(values[i] + quantile * se[i]),
                float(se[i]),
                schools,
            )

        events = sorted(by_event)
        pre = [i + 1 for i, e in enumerate(events) if e < -1]
        p_value = np.nan
        if pre:
            v = values[pre]
            block = covariance[np.ix_(pre, pre)]
            wald = float(v @ np.linalg.pinv(block) @ v)
            rank = int(np.linalg.matrix_rank(block))
            p_value = float(stats.f.sf(wald / max(rank, 1), max(rank, 1), df)) if rank else np.nan
        return ImpactEstimate(
            ESTIMATED,
            len(treated_post),
            controls,
            overall=effect(0, combos[0]),
            event_study={e: effect(i + 1, combos[i + 1]) for i, e in enumerate(events)},
            pre_trend_p=p_value,
            pre_trend_years=len(pre),
        )

    def _covariance(
        self,
        combos: list[dict[tuple[int, int], float]],
        treated_if: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]],
        mean_x: dict[tuple[int, int], np.ndarray],
    ) -> np.ndarray:
        """Covariance of the combinations' estimates: every school's influence summed over cells.

        A school's influence on a combination is its treated part (its gap from its cohort-year's mean,
        over the cohort-year's count) plus its control part (minus the treated schools' mean context
        times its share of the controls' fit). Over all schools, the control parts' cross-products are
        the cells' shared basis products, so only the unit's own schools are handled one by one.
        """
        n_combos = len(combos)
        unit = np.unique(np.concatenate([rows for rows, _ in treated_if.values()]))
        where = {school: i for i, school in enumerate(unit.tolist())}
        treated = np.zeros((n_combos, len(unit)))
        control_unit = np.zeros((n_combos, len(unit)))
        for k, combo in enumerate(combos):
            for c, w in combo.items():
                rows, influence = treated_if[c]
                treated[k, [where[r] for r in rows.tolist()]] += w * influence
                control_unit[k] -= w * (self.cells[c].basis[unit] @ mean_x[c])
        total_unit = treated + control_unit
        covariance = total_unit @ total_unit.T - control_unit @ control_unit.T
        cells = sorted({c for combo in combos for c in combo})
        h = {c: mean_x[c] for c in cells}
        for i in range(n_combos):
            for j in range(i, n_combos):
                value = 0.0
                for a, wa in combos[i].items():
                    for b, wb in combos[j].items():
                        value += wa * wb * float(h[a] @ self._control_covariance(a, b) @ h[b])
                covariance[i, j] += value
                if j != i:
                    covariance[j, i] += value
        return covariance


@dataclass(frozen=True)
class PlantedProgramme:
    """A generated country with a programme of known effect (for the tests and the benchmark)."""

    panel: ImpactPanel
    #: the overall effect the estimator targets: the planted mean effect averaged as it averages years.
    truth: float
    #: the planted mean effect e years after joining.
    truth_by_event: dict[int, float]
    #: unit (network) of each school that joined; -1 for the others.
    unit: np.ndarray
    #: each school's context, as given to the panel.
    context: np.ndarray


def planted_programme(
    rng: np.random.Generator,
    *,
    schools: int = 2_000,
    years: int = 6,
    share_joining: float = 0.3,
    effect: float = 1.0,
    effect_sd: float = 1.0,
    growth: float = 0.5,
    selection_on_context: float = 1.0,
    selection_on_trend: float = 0.0,
    unit_size: int = 12,
    noise: float = 2.0,
    missing: float = 0.05,
) -> PlantedProgramme:
    """Schools whose results move with their context, some of which join in staggered years.

    Context drives the level, the trend and (selection_on_context) who joins, so a comparison that
    ignores context is biased; selection_on_trend makes schools already declining join more (parallel
    trends fail: the pre-trend check should say so). Each school's effect differs (effect_sd) and grows
    by `growth` times the effect for each year after joining, up to two years. Joiners are grouped into
    units (networks) of about unit_size schools joining in the same year.
    """
    k = 3
    context = rng.normal(size=(schools, k))
    level = context @ np.array([2.0, -1.0, 0.5]) + rng.normal(0.0, 3.0, schools)
    trend = context @ np.array([0.4, 0.2, -0.3])
    own_trend = rng.normal(0.0, 0.5, schools)
    year_effect = np.cumsum(rng.normal(0.0, 0.5, years))
    score = (
        selection_on_context * (context[:, 0] - 0.5 * context[:, 1]) - selection_on_trend * own_trend / 0.5
    )
    threshold = np.quantile(score + rng.logistic(0.0, 1.0, schools), 1.0 - share_joining)
    joins = score + rng.logistic(0.0, 1.0, schools) >= threshold
    joined = np.full(schools, NEVER, dtype=np.int64)
    joined[joins] = rng.integers(1, years, int(joins.sum()))
    own_effect = effect + rng.normal(0.0, effect_sd, schools)
    year = np.arange(years)
    since = year[None, :] - joined[:, None].clip(max=years)
    exposure = np.where(since >= 0, 1.0 + growth * np.minimum(since, 2), 0.0)
    values = (
        level[:, None]
        + year_effect[None, :]
        + (trend + own_trend)[:, None] * year[None, :]
        + own_effect[:, None] * exposure
        + rng.normal(0.0, noise, (schools, years))
    )
    values[rng.random(values.shape) < missing] = np.nan
    panel = ImpactPanel(values, joined, context)
    unit = np.full(schools, -1, dtype=np.int64)
    next_unit = 0
    for g in range(1, years):
        members = rng.permutation(np.flatnonzero(joined == g))
        for start in range(0, len(members), unit_size):
            unit[members[start : start + unit_size]] = next_unit
            next_unit += 1
    truth_by_event = {e: effect * (1.0 + growth * min(e, 2)) for e in range(years)}
    return PlantedProgramme(panel, _aggregate_truth(panel, truth_by_event), truth_by_event, unit, context)


def _aggregate_truth(
    panel: ImpactPanel, truth_by_event: dict[int, float], schools: np.ndarray | None = None
) -> float:
    """The planted effect weighted as the estimator weights the years after joining (by schools counted)."""
    joined = panel.joined
    unit = np.flatnonzero((joined >= 1) & (joined < panel.n_years))
    if schools is not None:
        unit = np.intersect1d(unit, schools)
    total = weight = 0.0
    for g, t in panel.cells:
        if t < g:
            continue
        members = unit[joined[unit] == g]
        n = int(np.isfinite(panel.values[members, t] - panel.values[members, g - 1]).sum())
        total += n * truth_by_event[t - g]
        weight += n
    return total / weight if weight else np.nan


def planted_truth(programme: PlantedProgramme, schools: np.ndarray) -> float:
    """The planted effect of a unit's schools, weighted as the estimator weights them."""
    return _aggregate_truth(programme.panel, programme.truth_by_event, schools)


def coverage(count: int, *, seed: int, unit_size: int | None = None, **planted: Any) -> tuple[float, int]:
    """The share of 95% intervals covering the planted effect over `count` planted countries, and how
    many were estimated: the programme's (unit_size None) or one network's of unit_size schools per
    country (units of one country share its controls, so their misses are not independent). With
    effect=0, one minus it is the false-positive rate."""
    hits = []
    for replication in range(count):
        rng = np.random.default_rng(seed + replication)
        if unit_size is None:
            programme = planted_programme(rng, **planted)
            estimate, truth = programme.panel.estimate(), programme.truth
        else:
            programme = planted_programme(rng, unit_size=unit_size, **planted)
            schools = np.flatnonzero(programme.unit == 0)
            estimate, truth = programme.panel.estimate(schools), planted_truth(programme, schools)
        if estimate.overall is not None:
            hits.append(estimate.overall.lower <= truth <= estimate.overall.upper)
    return (float(np.mean(hits)) if hits else np.nan), len(hits)
