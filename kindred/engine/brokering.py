"""Partner brokering: which strong school supports which need, within every supporter's capacity.

What is computed, in steps that can be checked:

1. **Eligible pairs.** A need is a (school, domain) wanting up to `wants` partners. A supporter is a
   school with a capacity (how many schools it can support at once). Supporter j may support need i
   when it has a reliable strength in i's domain (`strength[j, domain]` is a number, not NaN: the
   caller leaves NaN where the school is not reliably strong, or is weak, in that domain), is not
   itself red or amber (`blocked`), is not the needing school, and — when another authority is
   *required* — sits in another local authority.
2. **Cost of a pair** (lower is better), with the weights of `Weights` (settings, documented there):
   `strength · max(0, 4 − z)` (z: the strength's estimate in posterior SDs, so surer strengths cost
   less), `context · distance` (Euclidean distance of the two schools' standardised context, so
   practice transfers), `travel · minutes / 30` (from the pluggable `TravelSource`),
   `same_authority` when both are in one authority (a preference for crossing boundaries) and
   `existing_tie` when they are already, or were recently, partners. A wanted partner left unfound
   costs `unmet`, larger than any pair, so the most needs are met first and the cheapest way second.
   Costs are rounded to 1/1000 for the integer solver; "optimal" below is for the rounded costs.
3. **Min-cost flow over candidate pairs** (OR-Tools): each need sends `wants` units, each through a
   pair arc (capacity 1: a partner counts once) to a supporter (capacity `capacity`) or through the
   unmet arc; it starts with each need's `candidates` cheapest pairs.
4. **Proof over all pairs (column generation).** The residual graph of the optimal flow gives node
   potentials (flow.py), i.e. dual values u (needs, at most `unmet`) and v (supporters, at most 0).
   Every eligible pair, also the ones the solver never saw, is priced: reduced cost `c − u − v`.
   Pairs with a negative reduced cost are added and the flow solved again, until none is left.
   The dual objective `Σ wants·u + Σ capacity·v + Σ_pairs min(0, c − u − v)` over **all** eligible
   pairs is a valid lower bound on the best matching (weak duality of the transportation LP, whose
   optimum is integral), so `gap = (cost − bound) / cost` proves how far from optimal the answer can
   be. It is zero when pricing finds nothing; the loop stops at `max_rounds` otherwise. The cost
   matrix is never held whole: pairs are costed in blocks, and pricing skips pairs whose lower bound
   proves a reduced cost of zero or more (`_Pairs`), so memory is that of a block, not of the country.
   While pairs within `local_reach` still improve, rounds price only those; the last round prices all.
5. **Reasons.** Each proposal says in plain words why: the strength, the distance, a similar intake
   (context distance at most `similar_context`), another authority, an existing tie.

Infeasible inputs raise `Infeasible` naming why: a need no school may support, more partners wanted
than the supporters can give, or (Hall's condition) a group of needs whose only possible supporters
have too little room between them.
"""

import os
import threading
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from kindred.engine import flow
from kindred.engine.blas import one_blas_thread
from kindred.engine.travel import GreatCircle, TravelSource, chord_to_arc_km, to_xyz

SCALE = 1000  # costs are solved in thousandths
NOT_ELIGIBLE = np.iinfo(np.int32).max


class Infeasible(ValueError):
    """The needs cannot all be met; the message says why in plain words, in English.

    `code` names the reason and `params` holds its figures, so a page can say it in its reader's
    language (kindred/brokering/infeasible.py); the engine knows no languages."""

    def __init__(self, message: str, *, code: str = "", **params: int | str):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Weights:
    """How much each part of a pairing's cost counts (the BROKERING_* settings; see README)."""

    strength: float = 1.0  # per posterior SD of strength below 4
    context: float = 0.5  # per unit of standardised context distance
    travel: float = 1.0  # per 30 minutes of travel
    same_authority: float = 1.0  # when both schools are in one local authority
    existing_tie: float = 2.0  # when the schools are, or recently were, partners
    unmet: float = 100.0  # for each wanted partner left unfound (larger than any pair)
    similar_context: float = 1.5  # context distance up to which intakes are called "similar"

    def __post_init__(self) -> None:
        for name in (
            "strength",
            "context",
            "travel",
            "same_authority",
            "existing_tie",
            "unmet",
            "similar_context",
        ):
            if not getattr(self, name) >= 0:
                raise ValueError(f"the brokering weight {name} must be 0 or more, got {getattr(self, name)}")


@dataclass(frozen=True)
class Schools:
    """What brokering knows about every school (indices into these arrays identify schools)."""

    latitude: np.ndarray
    longitude: np.ndarray
    authority: np.ndarray  # int code per school (-1: unknown, never "the same")
    context: np.ndarray  # n × p standardised context (p may be 0)
    # int code of each school's country, or None: a need is then only matched with a supporter of its
    # own country (several countries never mix unless asked); None matches across them all
    country: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.latitude)


@dataclass(frozen=True)
class Needs:
    school: np.ndarray  # int school index
    domain: np.ndarray  # int domain index (into Supporters.strength's columns and domain_names)
    wants: np.ndarray | None = None  # partners wanted, default 1 each


@dataclass(frozen=True)
class Supporters:
    school: np.ndarray  # int school index
    capacity: np.ndarray  # schools it can support at once
    strength: np.ndarray  # n_supporters × n_domains: z of a reliable strength, NaN where none
    blocked: np.ndarray | None = None  # True where the school is itself red or amber


@dataclass(frozen=True)
class Proposal:
    need: int  # index into Needs
    supporter: int  # index into Supporters
    cost: float
    z: float
    km: float
    minutes: float
    context_distance: float
    other_authority: bool
    existing_tie: bool
    reasons: tuple[str, ...]


@dataclass
class Result:
    proposals: list[Proposal]
    cost: float  # total, unmet partners included
    lower_bound: float
    gap: float  # (cost − lower_bound) / cost, 0 when proven optimal
    unmet: np.ndarray  # per need, partners wanted but not found
    rounds: int  # flow solves (1 + pricing rounds that added pairs)
    pairs_solved: int  # candidate pairs in the last solve
    pairs_eligible: int  # all eligible pairs priced
    supporters_per_need: np.ndarray | None = None  # per need, how many supporters may support it
    stats: dict = field(default_factory=dict)

    def unmet_reasons(self) -> dict[str, int]:
        """Partners wanted but not found, by why: `no_supporter` (no school may support the need at all)
        and `capacity` (schools may, but their capacity went to other needs)."""
        per_need = self.supporters_per_need
        alone = np.zeros(len(self.unmet), dtype=bool) if per_need is None else per_need == 0
        return {"no_supporter": int(self.unmet[alone].sum()), "capacity": int(self.unmet[~alone].sum())}


def _check(
    schools: Schools, needs: Needs, supporters: Supporters
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = schools.size
    wants = np.ones(len(needs.school), dtype=np.int64) if needs.wants is None else np.asarray(needs.wants)
    blocked = (
        np.zeros(len(supporters.school), dtype=bool)
        if supporters.blocked is None
        else np.asarray(supporters.blocked)
    )
    capacity = np.asarray(supporters.capacity, dtype=np.int64)
    if len(needs.school) and not (needs.school.min() >= 0 and needs.school.max() < n):
        raise ValueError("a need names a school that is not in the table of schools")
    if len(supporters.school) and not (supporters.school.min() >= 0 and supporters.school.max() < n):
        raise ValueError("a supporter names a school that is not in the table of schools")
    if (wants < 0).any():
        raise ValueError("a need wants a negative number of partners")
    if (capacity < 0).any():
        raise ValueError("a supporter has a negative capacity")
    if supporters.strength.shape[0] != len(supporters.school):
        raise ValueError("supporters' strengths need one row per supporter")
    if len(needs.domain) and not (
        needs.domain.min() >= 0 and needs.domain.max() < supporters.strength.shape[1]
    ):
        raise ValueError("a need's domain has no column in the supporters' strengths")
    if np.isnan(schools.latitude).any() or np.isnan(schools.longitude).any():
        raise ValueError("every school needs coordinates for brokering (some are missing)")
    return wants, blocked, capacity


def standardise_columns(matrix: np.ndarray) -> np.ndarray:
    """Each column to mean 0 and standard deviation 1 over the rows (the reference population);
    columns with no spread (or no values) are dropped and missing values put at the mean (0)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column without values: dropped below
        mean, sd = np.nanmean(matrix, axis=0), np.nanstd(matrix, axis=0)
    keep = np.isfinite(sd) & (sd > 0)
    return np.nan_to_num((matrix[:, keep] - mean[keep]) / sd[keep], nan=0.0)


def _morton(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """A Z-order key of each point on a 1024 × 1024 grid over the points' extent: sorting by it puts
    points near one another next to one another (mostly). A point without a coordinate takes the
    first cell of that axis; the others keep their order (one missing value once made the extent
    NaN and every key 0)."""
    if not len(latitude):
        return np.zeros(0, dtype=np.int64)
    key = np.zeros(len(latitude), dtype=np.int64)
    for axis, values in enumerate((latitude, longitude)):
        known = np.isfinite(values)
        if not known.any():
            continue
        low = values[known].min()
        span = max(float(values[known].max() - low), 1e-9)
        scaled = np.where(known, (np.where(known, values, low) - low) / span * 1023, 0.0)
        cell = np.clip(scaled.astype(np.int64), 0, 1023)
        for bit in range(10):
            key |= ((cell >> bit) & 1) << (2 * bit + axis)
    return key


class _Pairs:
    """Every eligible (need, supporter) pair, costed a block at a time: never the whole matrix.

    Needs are taken domain by domain, each against the supporters that may support that domain at all
    (a reliable strength in it, not red or amber), in blocks of at most `cells` pairs and `rows` needs
    near one another (in the order of a space-filling curve), so memory grows with the block and not
    with needs × supporters. Full blocks are kept (int32) while they fit in `cache_bytes`.

    The pairs a local round may price (lower bound under `near_reach`) are the same in every local
    round, so each block's are costed once and kept (int32) while they fit in `near_cache_bytes`;
    later rounds take the columns they price from them, and a full round costs only the columns
    beyond. A pair's cost does not depend on which other pairs are costed with it, so pricing finds
    exactly the pairs, in the same order, that costing every round afresh would.

    Pricing skips pairs that cannot have a negative reduced cost, so that a national run does not cost
    every pair in every round: a pair's cost is at least its strength part plus the travel to the
    nearest point of the block's bounding sphere (great-circle travel only: the triangle inequality
    on the chord, and road km grows with the chord), and a pair whose lower bound is at least
    `max(u over the block) + v[supporter]` has a reduced cost of zero or more. Skipped pairs add
    nothing to the lower bound, so the bound and the gap are those of pricing every pair.
    """

    def __init__(
        self,
        schools,
        needs,
        supporters,
        *,
        weights,
        travel,
        require_other_authority,
        ties,
        cells,
        cache_bytes,
        near_reach=None,
        near_cache_bytes=0,
        rows=128,
    ):
        self.schools, self.needs, self.supporters = schools, needs, supporters
        self.weights, self.travel, self.require_other_authority = weights, travel, require_other_authority
        self.blocked = (
            np.zeros(len(supporters.school), dtype=bool)
            if supporters.blocked is None
            else np.asarray(supporters.blocked, dtype=bool)
        )
        self.tie_need = np.array([a for a, _b in ties], dtype=np.int64)
        self.tie_sup = np.array([b for _a, b in ties], dtype=np.int64)
        self.cells, self.cache_bytes = max(1, cells), cache_bytes
        self._cache: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()  # the caches' budgets and the count, when blocks run in threads
        self._cached_bytes = 0
        # per block: which columns are near (lower bound under near_reach), their costs, and the
        # cheapest of those costs per row and per column
        self.near_reach, self.near_cache_bytes = near_reach, near_cache_bytes
        self._near: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._near_bytes = 0
        self._bounds: dict[int, np.ndarray] = {}  # per block: each column's lower bound (pricing)
        self.xyz = to_xyz(schools.latitude, schools.longitude)
        self.prunable = isinstance(travel, GreatCircle) and weights.travel > 0
        self.pairs_costed = 0  # pairs costed so far (pricing skips most of them)
        # (need rows, supporter columns, domain, centre, radius) per block
        self.plan: list[tuple[np.ndarray, np.ndarray, int, np.ndarray, float]] = []
        domains = np.asarray(needs.domain, dtype=np.int64)
        order = np.argsort(
            _morton(schools.latitude[needs.school], schools.longitude[needs.school]), kind="stable"
        )
        for domain in np.unique(domains):
            in_domain = order[domains[order] == domain]
            cols = np.flatnonzero(~np.isnan(supporters.strength[:, domain]) & ~self.blocked)
            step = int(np.clip(self.cells // max(1, len(cols)), 1, max(1, rows)))
            for start in range(0, len(in_domain), step):
                block_rows = in_domain[start : start + step]
                points = self.xyz[needs.school[block_rows]]
                centre = points.mean(axis=0)
                radius = float(np.sqrt(((points - centre) ** 2).sum(axis=1)).max())
                self.plan.append((block_rows, cols, int(domain), centre, radius))

    def eligible_counts(self) -> np.ndarray:
        """How many supporters may support each need (without costing a pair)."""
        counts = np.zeros(len(self.needs.school), dtype=np.int64)
        auth = self.schools.authority
        for domain in np.unique(self.needs.domain):
            rows = np.flatnonzero(self.needs.domain == domain)
            cols = np.flatnonzero(~np.isnan(self.supporters.strength[:, domain]) & ~self.blocked)
            need_school, sup_school = self.needs.school[rows], self.supporters.school[cols]
            itself = np.isin(need_school, sup_school)
            counts[rows] = len(cols) - itself
            if self.require_other_authority:
                sup_auth = auth[sup_school]
                per_authority = np.bincount(sup_auth[sup_auth >= 0], minlength=int(auth.max(initial=0)) + 1)
                need_auth = auth[need_school]
                known = need_auth >= 0
                counts[rows[known]] -= per_authority[need_auth[known]] - itself[known]
        return counts

    def _lower_bounds(self, cols: np.ndarray, domain: int, centre: np.ndarray, radius: float) -> np.ndarray:
        """Per supporter, a lower bound (thousandths) on its cost with any need of the block."""
        weights = self.weights
        strength = weights.strength * np.clip(4.0 - self.supporters.strength[cols, domain], 0.0, None)
        if not self.prunable:
            return strength * SCALE
        chord = np.clip(
            np.sqrt(((self.xyz[self.supporters.school[cols]] - centre) ** 2).sum(axis=1)) - radius, 0, None
        )
        minutes = self.travel.detour * chord_to_arc_km(chord) / self.travel.speed_kmh * 60.0
        return (strength + weights.travel * minutes / 30.0) * SCALE

    def candidates(self, k: int, per_block: int):
        """(need rows, supporter columns, costs) of a few promising supporters per block: the `per_block`
        with the lowest lower bound from the block's centre, costed, of which each need keeps its `k`
        cheapest. A warm start only: pricing brings in whatever else is better."""
        for rows, cols, domain, centre, _radius in self.plan:
            if len(cols) > per_block:
                score = self._lower_bounds(cols, domain, centre, 0.0)
                cols = np.sort(cols[np.argpartition(score, per_block - 1)[:per_block]])
            yield rows, cols, self._costed(rows, cols), min(k, len(cols))

    def priced(self, u: np.ndarray, v: np.ndarray, reach: float | None = None):
        """(need rows, supporter columns, costs) covering every pair that may have a negative reduced cost
        `cost − u[need] − v[supporter]` (module, step 4; the class says which are skipped); with a
        `reach` (thousandths), only those whose lower bound is below it."""
        for number in range(len(self.plan)):
            yield from self.priced_block(number, u, v, reach)

    def priced_block(self, number: int, u: np.ndarray, v: np.ndarray, reach: float | None = None) -> list:
        """`priced` for block `number` of the plan alone (a list of (rows, columns, costs)): blocks
        share nothing but the caches, whose budgets are taken under a lock, so they may be priced in
        threads (`broker`'s `threads`)."""
        rows, cols, domain, centre, radius = self.plan[number]
        block = self._cache.get(number)
        if block is not None and reach is None:
            return [(rows, cols, block)]
        if self.prunable:
            # Needs at the block's highest u (typically those left unmet, u = the unmet cost) may
            # reach far; the others are bounded by their own, lower, highest u.
            bound = self._bounds.get(number)
            if bound is None:  # the same in every round
                bound = self._lower_bounds(cols, domain, centre, radius) - 2  # a margin for rounding
                self._bounds[number] = bound
            row_u = u[rows]
            top = row_u == row_u.max()
            groups = [top, ~top] if not top.all() else [top]
            keeps = [bound < row_u[group].max() + v[cols] for group in groups]
            if reach is not None:
                keeps = [keep & (bound < reach) for keep in keeps]
            if not all(keep.all() for keep in keeps):
                return [
                    self._part(number, rows, cols, bound, group, keep, reach, u, v)
                    for group, keep in zip(groups, keeps, strict=True)
                    if keep.any()
                ]
        if block is None:
            block = self._costed(rows, cols)
            with self._lock:
                fits = self._cached_bytes + block.nbytes <= self.cache_bytes
                if fits:
                    self._cached_bytes += block.nbytes
            if fits:
                self._cache[number] = block
        return [(rows, cols, block)]

    def _part(
        self,
        number: int,
        rows: np.ndarray,
        cols: np.ndarray,
        bound: np.ndarray,
        group: np.ndarray,
        keep: np.ndarray,
        reach: float | None,
        u: np.ndarray,
        v: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, costs) of block `number` covering every pair of rows[group] × cols[keep] that
        may have a negative reduced cost: from the block kept whole, else from its near columns kept
        (costed once, in the first local round, while they fit) and the columns beyond costed now.

        From the near columns kept, only the rows whose cheapest kept pair is below their u, and the
        columns whose cheapest pair is below the highest such u plus their v, are taken; near columns
        outside `keep` may come too (their lower bound proves a reduced cost of zero or more). Either
        way every pair left out has a reduced cost of zero or more, and those taken keep their order,
        so pricing finds the same pairs in the same order as costing rows[group] × cols[keep] afresh."""
        whole = self._cache.get(number)
        if whole is not None:
            return rows[group], cols[keep], whole[np.ix_(group, keep)]
        near_part = self._near.get(number)
        if near_part is None and reach is not None and self.near_reach is not None:
            near = bound < self.near_reach
            size = int(near.sum()) * len(rows) * 4
            with self._lock:  # take the room first, so that threads never overrun the budget together
                fits = near.any() and self._near_bytes + size <= self.near_cache_bytes
                if fits:
                    self._near_bytes += size
            if fits:
                kept = self._costed(rows, cols[near])
                near_part = (near, kept, kept.min(axis=1), kept.min(axis=0))
                self._near[number] = near_part
        if near_part is None:
            return rows[group], cols[keep], self._costed(rows[group], cols[keep])
        near, kept, row_min, col_min = near_part
        far = keep & ~near
        if not far.any():
            row_u = u[rows]
            take = group & (row_min < row_u)
            if not take.any():
                return rows[:0], cols[:0], kept[:0, :0]
            near_cols = cols[near]
            columns = col_min < row_u[take].max() + v[near_cols]
            return rows[take], near_cols[columns], kept[np.ix_(take, columns)]
        inside = kept if group.all() else kept[group]
        union = near | keep
        out = np.empty((len(inside), int(union.sum())), dtype=np.int32)
        at_near = near[union]
        out[:, at_near] = inside
        out[:, ~at_near] = self._costed(rows[group], cols[far])
        return rows[group], cols[union], out

    def _costed(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        with self._lock:
            self.pairs_costed += len(rows) * len(cols)
        return self.cost(rows, cols)

    def supporters_of(self, need: int) -> np.ndarray:
        """The supporters that may support one need (its eligible columns)."""
        domain = int(self.needs.domain[need])
        cols = np.flatnonzero(~np.isnan(self.supporters.strength[:, domain]) & ~self.blocked)
        return cols[self.cost(np.array([need]), cols)[0] != NOT_ELIGIBLE]

    def cost(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Costs of needs `rows` × supporters `cols` in thousandths (int32), NOT_ELIGIBLE where not allowed."""
        schools, weights = self.schools, self.weights
        need_school, sup_school = self.needs.school[rows], self.supporters.school[cols]
        lat, lon, auth, ctx = schools.latitude, schools.longitude, schools.authority, schools.context
        domains = self.needs.domain[rows]
        if len(domains) and (domains == domains[0]).all():  # a block of one domain: z by supporter
            z = self.supporters.strength[cols, domains[0]][None, :]
        else:
            z = self.supporters.strength[np.ix_(cols, domains)].T  # rows × cols
        eligible = ~np.isnan(z) & ~self.blocked[cols][None, :] & (need_school[:, None] != sup_school[None, :])
        same_auth = (auth[need_school][:, None] == auth[sup_school][None, :]) & (
            auth[need_school][:, None] >= 0
        )
        if self.require_other_authority:
            eligible &= ~same_auth
        if schools.country is not None:
            eligible &= schools.country[need_school][:, None] == schools.country[sup_school][None, :]
        # In the order of the module's formula (strength, context, travel, authority), so rounding is too;
        # each step in place (the same operations on the same numbers: the same bits, less memory).
        block = np.empty((len(rows), len(cols)))
        block[:] = weights.strength * np.clip(4.0 - np.nan_to_num(z), 0.0, None)
        del z
        if ctx.shape[1]:
            need_ctx, sup_ctx = ctx[need_school], ctx[sup_school]
            part = np.add.outer((need_ctx * need_ctx).sum(1), (sup_ctx * sup_ctx).sum(1))
            part -= 2 * need_ctx @ sup_ctx.T
            np.clip(part, 0, None, out=part)
            np.sqrt(part, out=part)
            part *= weights.context
            block += part
            del part
        part = self.travel.minutes(lat[need_school], lon[need_school], lat[sup_school], lon[sup_school])
        if type(self.travel) is not GreatCircle:  # a plugged-in source's array: ours to change
            part = np.array(part, dtype=float)
        part *= weights.travel
        part /= 30.0
        block += part
        del part
        np.add(block, weights.same_authority, out=block, where=same_auth)
        if len(self.tie_need) and weights.existing_tie:
            in_block = np.isin(self.tie_need, need_school)
            if in_block.any():
                position = np.full(schools.size, -1, dtype=np.int64)
                position[sup_school] = np.arange(len(cols))
                t_need, t_col = self.tie_need[in_block], position[self.tie_sup[in_block]]
                t_need, t_col = t_need[t_col >= 0], t_col[t_col >= 0]
                r, t = np.nonzero(need_school[:, None] == t_need[None, :])
                block[r, t_col[t]] += weights.existing_tie
        block *= SCALE
        np.rint(block, out=block)
        if block.size and block.max() >= NOT_ELIGIBLE and (block[eligible] >= NOT_ELIGIBLE).any():
            raise ValueError("a pairing's cost is too large to solve; lower the brokering weights")
        np.copyto(block, NOT_ELIGIBLE, where=~eligible)
        return block.astype(np.int32)


@one_blas_thread
def broker(
    schools: Schools,
    needs: Needs,
    supporters: Supporters,
    *,
    weights: Weights | None = None,
    travel: TravelSource | None = None,
    require_other_authority: bool = False,
    ties: Sequence[tuple[int, int]] = (),
    domain_names: Sequence[str] = (),
    allow_unmet: bool = False,
    candidates: int = 8,
    add_per_round: int = 4,
    max_rounds: int = 20,
    block_cells: int = 2_000_000,
    cache_bytes: int = 512 * 2**20,
    local_reach: float = 10.0,
    near_cache_bytes: int = 768 * 2**20,
    threads: int | None = None,
) -> Result:
    """The cheapest proposals meeting the needs within capacities, proven against all pairs (see module).

    Memory is bounded by `block_cells` (pairs costed at once), `cache_bytes` (whole blocks kept between
    pricing rounds) and `near_cache_bytes` (the pairs within `local_reach` kept between local rounds),
    not by needs × supporters: a national run never holds the whole cost matrix. Neither cache changes
    the answer: with both at 0 every round costs its pairs afresh and finds the same pairs.

    Pricing's blocks run in `threads` threads (default: up to 2, as the machine has cores; numpy lets
    go of the interpreter while it works on a block), their pairs gathered in the plan's order: the
    same pairs, bound and proposals with any number of threads."""
    started = time.perf_counter()
    stats: dict[str, float] = {}
    wants, _, capacity = _check(schools, needs, supporters)
    travel = travel or GreatCircle()
    weights = weights or Weights()
    n_needs, n_sup = len(needs.school), len(supporters.school)
    tie_keys = {(int(a), int(b)) for a, b in ties}
    pairs = _Pairs(
        schools,
        needs,
        supporters,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        ties=sorted(tie_keys),
        cells=block_cells,
        cache_bytes=cache_bytes,
        near_reach=local_reach * SCALE if local_reach > 0 else None,
        near_cache_bytes=near_cache_bytes,
    )
    unmet_cost = round(weights.unmet * SCALE)

    # 1–3. Count each need's possible supporters; start with a few cheap candidates per need.
    supporters_per_need = pairs.eligible_counts()
    eligible_count = int(supporters_per_need.sum())
    need_parts, sup_parts, cost_parts = [], [], []
    for rows, cols, block, k in pairs.candidates(candidates, per_block=max(16 * candidates, 128)):
        if not k:
            continue
        first = (
            np.argpartition(block, k - 1, axis=1)[:, :k]
            if k < len(cols)
            else np.tile(np.arange(len(cols)), (len(rows), 1))
        )
        chosen_cost = np.take_along_axis(block, first, axis=1)
        keep = chosen_cost != NOT_ELIGIBLE
        need_parts.append(np.repeat(rows, k).reshape(len(rows), k)[keep])
        sup_parts.append(cols[first[keep]])
        cost_parts.append(chosen_cost[keep].astype(np.int64))
    pair_need = np.concatenate(need_parts) if need_parts else np.zeros(0, dtype=np.int64)
    pair_sup = np.concatenate(sup_parts) if sup_parts else np.zeros(0, dtype=np.int64)
    pair_cost = np.concatenate(cost_parts) if cost_parts else np.zeros(0, dtype=np.int64)
    stats["cost_s"] = time.perf_counter() - started

    _explain_if_obviously_infeasible(needs, wants, capacity, supporters_per_need, allow_unmet, domain_names)

    def price(u, v, reach, chosen):
        """The lower bound and the most improving new pairs (at most `add_per_round` per need); with a
        `reach`, only pairs that may cost less than it (a quick local round: its bound is not used).

        Of the pairs in the model only the `chosen` ones (flow 1) can have a negative reduced cost (an
        unused pair's residual arc proves `c − u − v ≥ 0`), so only those are looked up to leave out."""
        bound = int((wants * u).sum() + (capacity * v).sum())
        in_model = np.sort(pair_need[chosen] * n_sup + pair_sup[chosen])
        # u + v in int32 where it fits (half the memory to compare against int32 costs), exactly
        wide = max(abs(int(u.min(initial=0))), int(u.max(initial=0))) + abs(int(v.min(initial=0))) >= 2**30
        u32, v32 = (u, v) if wide else (u.astype(np.int32), v.astype(np.int32))

        def one(number):
            """Block `number`'s part of the bound and its most improving new pairs."""
            part, needs_found, sups_found, costs_found = 0, [], [], []
            for rows, cols, block in pairs.priced_block(number, u, v, reach):
                # reduced cost c − u − v < 0, i.e. c < u + v (never true of NOT_ELIGIBLE: u + v ≤ unmet)
                r, c = np.nonzero(block < np.add.outer(u32[rows], v32[cols]))
                if not len(r):
                    continue
                values = block[r, c].astype(np.int64) - u[rows[r]] - v[cols[c]]
                part += int(values.sum())
                if len(in_model):
                    new = ~_contains(in_model, rows[r] * n_sup + cols[c])
                    if not new.any():
                        continue
                    values, r, c = values[new], r[new], c[new]
                r, c = _most_improving(rows, len(cols), r, c, values, add_per_round)
                needs_found.append(rows[r])
                sups_found.append(cols[c])
                costs_found.append(block[r, c].astype(np.int64))
            return part, needs_found, sups_found, costs_found

        need_parts, sup_parts, cost_parts = [], [], []
        # in the plan's order, whichever thread priced a block: the same pairs in the same order
        for part, needs_found, sups_found, costs_found in blocks_map(one, range(len(pairs.plan))):
            bound += part
            need_parts += needs_found
            sup_parts += sups_found
            cost_parts += costs_found
        return bound, need_parts, sup_parts, cost_parts

    # 4. Price every eligible pair against the duals (pairs in the model have reduced cost >= 0, but
    # for the ones chosen, which may be below zero: they count in the bound, are not added again).
    # While pairs within `local_reach` still improve, rounds price only those (cheap: the nearby
    # supporters); the answer is proven by full rounds, the last of which finds nothing.
    local = pairs.prunable and local_reach > 0
    reach = local_reach * SCALE
    rounds = 0
    threads = threads or min(2, _cpus())
    with ThreadPoolExecutor(threads) if threads > 1 else _Serial() as pool:
        blocks_map = pool.map
        while True:
            rounds += 1
            x, u, v, total = _solve_and_price(
                n_needs, n_sup, pair_need, pair_sup, pair_cost, wants, capacity, unmet_cost, stats
            )
            pricing_started = time.perf_counter()
            found: tuple = ()
            if local and rounds < max_rounds:
                _bound, *found_parts = price(u, v, reach, x > 0)
                if found_parts[0]:
                    found = tuple(found_parts)
                else:
                    local = False
            if not found:
                bound, *found_parts = price(u, v, None, x > 0)
                found = tuple(found_parts) if found_parts[0] and rounds < max_rounds else ()
                stats["full_pricing_rounds"] = stats.get("full_pricing_rounds", 0) + 1
            stats["pricing_s"] = stats.get("pricing_s", 0.0) + time.perf_counter() - pricing_started
            if not found:
                break
            need_parts, sup_parts, cost_parts = found
            pair_need = np.concatenate([pair_need, *need_parts])
            pair_sup = np.concatenate([pair_sup, *sup_parts])
            pair_cost = np.concatenate([pair_cost, *cost_parts])
    stats["solve_and_price_s"] = time.perf_counter() - started - stats["cost_s"]
    stats["cached_mb"] = pairs._cached_bytes / 2**20
    stats["near_cached_mb"] = pairs._near_bytes / 2**20
    stats["pairs_costed_millions"] = pairs.pairs_costed / 1e6

    chosen = x > 0
    unmet = wants - np.bincount(pair_need[chosen], minlength=n_needs)
    if unmet.any() and not allow_unmet:
        message, figures = _hall_witness(
            needs, wants, capacity, pairs, pair_need[chosen], pair_sup[chosen], unmet, domain_names
        )
        raise Infeasible(message, code="supporters_full", **figures)
    proposals = _proposals(
        schools,
        needs,
        supporters,
        pair_need[chosen],
        pair_sup[chosen],
        pair_cost[chosen],
        travel,
        tie_keys,
        weights,
        domain_names,
    )
    gap = 0.0 if total == 0 else max(0.0, (total - bound) / abs(total))
    return Result(
        proposals=proposals,
        cost=total / SCALE,
        lower_bound=bound / SCALE,
        gap=gap,
        unmet=unmet,
        rounds=rounds,
        pairs_solved=len(pair_need),
        pairs_eligible=eligible_count,
        supporters_per_need=supporters_per_need,
        stats=stats,
    )


def _most_improving(
    rows: np.ndarray, n_cols: int, r: np.ndarray, c: np.ndarray, values: np.ndarray, per_need: int
) -> tuple[np.ndarray, np.ndarray]:
    """Of the pairs (rows[r], column c) with reduced costs `values`, each need's `per_need` most
    improving, in the order need, reduced cost, column: one sort of a single integer key (need's rank
    in the block, reduced cost, column), which orders the pairs exactly as sorting by need and
    reduced cost with ties kept in row-major order would (the key is unique, so no tie is left)."""
    rank = np.empty(len(rows), dtype=np.int64)
    rank[np.argsort(rows, kind="stable")] = np.arange(len(rows))
    low = int(values.min())
    span = int(values.max()) - low + 1
    if len(rows) * span * max(1, n_cols) < 2**62:
        order = np.argsort((rank[r] * span + (values - low)) * n_cols + c)
    else:  # too wide for one key: the two-key sort, stable, gives the same order
        order = np.lexsort((values, rank[r]))
    r, c, need = r[order], c[order], rank[r[order]]
    keep = np.arange(len(need)) - np.searchsorted(need, need) < per_need
    return r[keep], c[keep]


class _Serial:
    """What a thread pool offers pricing (`map` in order), in the calling thread alone."""

    map = staticmethod(map)

    def __enter__(self) -> "_Serial":
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def _cpus() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which `keys` are in `sorted_keys` (a sorted array), by binary search."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def pair_costs(
    schools: Schools,
    needs: Needs,
    supporters: Supporters,
    *,
    weights: Weights,
    travel: TravelSource,
    require_other_authority: bool = False,
    ties: set[tuple[int, int]] | frozenset = frozenset(),
    block_rows: int = 512,
) -> np.ndarray:
    """The cost of every (need, supporter) pair in thousandths (int32); NOT_ELIGIBLE where it may not be
    proposed (module, steps 1–2). The whole matrix: for a few needs (offers) and for checking `broker`,
    which never builds it."""
    n_needs, n_sup = len(needs.school), len(supporters.school)
    pairs = _Pairs(
        schools,
        needs,
        supporters,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        ties=sorted(ties),
        cells=1,
        cache_bytes=0,
    )
    cost = np.full((n_needs, n_sup), NOT_ELIGIBLE, dtype=np.int32)
    everyone = np.arange(n_sup)
    for start in range(0, n_needs, block_rows):
        rows = np.arange(start, min(start + block_rows, n_needs))
        cost[rows] = pairs.cost(rows, everyone)
    return cost


def _solve_and_price(n_needs, n_sup, pair_need, pair_sup, pair_cost, wants, capacity, unmet_cost, stats):
    """Solve the flow on the candidate pairs; return pair flows, duals u (needs), v (supporters), cost."""
    sink = n_needs + n_sup
    tail = np.concatenate([pair_need, np.arange(n_sup) + n_needs, np.arange(n_needs)])
    head = np.concatenate([pair_sup + n_needs, np.full(n_sup, sink), np.full(n_needs, sink)])
    cap = np.concatenate([np.ones(len(pair_need), dtype=np.int64), capacity, wants])
    arc_cost = np.concatenate([pair_cost, np.zeros(n_sup, np.int64), np.full(n_needs, unmet_cost)])
    supply = np.concatenate([wants, np.zeros(n_sup, np.int64), [-wants.sum()]])
    started = time.perf_counter()
    flows = flow.solve(sink + 1, tail, head, cap, arc_cost, supply)
    solved = time.perf_counter()
    d = flow.potentials(sink + 1, tail, head, cap, arc_cost, flows)
    stats["flow_s"] = stats.get("flow_s", 0.0) + solved - started
    stats["potentials_s"] = stats.get("potentials_s", 0.0) + time.perf_counter() - solved
    u = np.minimum(d[sink] - d[:n_needs], unmet_cost).astype(np.int64)
    v = np.minimum(d[n_needs:sink] - d[sink], 0).astype(np.int64)
    total = int((flows * arc_cost).sum())
    return flows[: len(pair_need)], u, v, total


def _need_label(needs: Needs, i: int, domain_names: Sequence[str]) -> str:
    domain = int(needs.domain[i])
    name = domain_names[domain] if domain < len(domain_names) else f"domain {domain}"
    return f"school #{int(needs.school[i])} ({name})"


def _explain_if_obviously_infeasible(
    needs, wants, capacity, supporters_per_need, allow_unmet, domain_names
) -> None:
    if allow_unmet:
        return
    none = np.flatnonzero((wants > 0) & (supporters_per_need == 0))
    if len(none):
        listed = ", ".join(_need_label(needs, int(i), domain_names) for i in none[:5])
        more = f" and {len(none) - 5} more" if len(none) > 5 else ""
        raise Infeasible(
            f"{len(none)} need(s) have no school that may support them (no reliable strength in the domain "
            f"outside red and amber schools): {listed}{more}",
            code="no_supporter",
            n=len(none),
        )
    if wants.sum() > capacity.sum():
        raise Infeasible(
            f"the needs want {int(wants.sum())} partners but the supporters can take only {int(capacity.sum())} "
            f"between them; raise capacities or allow unmet needs",
            code="capacity_short",
            wants=int(wants.sum()),
            capacity=int(capacity.sum()),
        )
    short = np.flatnonzero(wants > supporters_per_need)
    if len(short):
        i = int(short[0])
        raise Infeasible(
            f"{_need_label(needs, i, domain_names)} wants {int(wants[i])} partners but only "
            f"{int(supporters_per_need[i])} school(s) may support it",
            code="need_short",
            wants=int(wants[i]),
            schools=int(supporters_per_need[i]),
        )


def _hall_witness(
    needs, wants, capacity, pairs, chosen_need, chosen_sup, unmet, domain_names
) -> tuple[str, dict[str, int]]:
    """Name a group of needs whose possible supporters have too little room (Hall's condition fails):
    the message, and its figures (needs, partners wanted, schools, their room)."""
    assigned: list[list[int]] = [[] for _ in range(len(capacity))]
    for i, j in zip(chosen_need, chosen_sup, strict=True):
        assigned[int(j)].append(int(i))
    need_seen = set(np.flatnonzero(unmet > 0).tolist())
    frontier = list(need_seen)
    sup_seen: set[int] = set()
    while frontier:
        i = frontier.pop()
        for j in pairs.supporters_of(i).tolist():
            if j in sup_seen:
                continue
            sup_seen.add(j)
            for other in assigned[j]:
                if other not in need_seen:
                    need_seen.add(other)
                    frontier.append(other)
    group = sorted(need_seen)
    listed = ", ".join(_need_label(needs, i, domain_names) for i in group[:5])
    more = f" and {len(group) - 5} more" if len(group) > 5 else ""
    room = int(capacity[sorted(sup_seen)].sum()) if sup_seen else 0
    figures = {"n": len(group), "wants": int(wants[group].sum()), "schools": len(sup_seen), "room": room}
    return (
        f"{len(group)} need(s) wanting {figures['wants']} partners can only be supported by "
        f"{len(sup_seen)} school(s) with room for {room}: {listed}{more}"
    ), figures


def _proposals(
    schools, needs, supporters, pair_need, pair_sup, pair_cost, travel, tie_keys, weights, domain_names
):
    proposals: list[Proposal] = []
    if not len(pair_need):
        return proposals
    ns, ss = needs.school[pair_need], supporters.school[pair_sup]
    lat, lon = schools.latitude, schools.longitude
    km = travel.km_pairs(lat[ns], lon[ns], lat[ss], lon[ss])
    minutes = travel.minutes_pairs(lat[ns], lon[ns], lat[ss], lon[ss])
    ctx = schools.context
    ctx_dist = np.sqrt(((ctx[ns] - ctx[ss]) ** 2).sum(1)) if ctx.shape[1] else np.zeros(len(ns))
    auth = schools.authority
    other = (auth[ns] != auth[ss]) | (auth[ns] < 0)
    z = supporters.strength[pair_sup, needs.domain[pair_need]]
    order = np.lexsort((pair_cost, pair_need))
    for p in order:
        i, j = int(pair_need[p]), int(pair_sup[p])
        domain = int(needs.domain[i])
        name = domain_names[domain] if domain < len(domain_names) else f"domain {domain}"
        tie = (int(ns[p]), int(ss[p])) in tie_keys
        reasons = [f"strong in {name}", f"{km[p]:.0f} km away"]
        if ctx.shape[1] and ctx_dist[p] <= weights.similar_context:
            reasons.append("similar intake")
        reasons.append("another authority" if other[p] else "same authority")
        if tie:
            reasons.append("already partners")
        proposals.append(
            Proposal(
                need=i,
                supporter=j,
                cost=int(pair_cost[p]) / SCALE,
                z=float(z[p]),
                km=float(km[p]),
                minutes=float(minutes[p]),
                context_distance=float(ctx_dist[p]),
                other_authority=bool(other[p]),
                existing_tie=tie,
                reasons=tuple(reasons),
            )
        )
    return proposals


def partners_per_school(
    proposals: Sequence[Proposal], needs: Needs, supporters: Supporters
) -> dict[int, int]:
    """For each school with a proposal, how many different partner schools it would receive (one
    partner may cover several of its needs)."""
    partners: dict[int, set[int]] = {}
    for proposal in proposals:
        school = int(needs.school[proposal.need])
        partners.setdefault(school, set()).add(int(supporters.school[proposal.supporter]))
    return {school: len(found) for school, found in partners.items()}


def reason_text(proposal: Proposal) -> str:
    """The proposal's reasons as one plain sentence fragment ("strong in reading, 12 km away, …")."""
    return ", ".join(proposal.reasons)
