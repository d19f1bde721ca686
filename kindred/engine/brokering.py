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
   be. It is zero when pricing finds nothing; the loop stops at `max_rounds` otherwise.
5. **Reasons.** Each proposal says in plain words why: the strength, the distance, a similar intake
   (context distance at most `similar_context`), another authority, an existing tie.

Infeasible inputs raise `Infeasible` naming why: a need no school may support, more partners wanted
than the supporters can give, or (Hall's condition) a group of needs whose only possible supporters
have too little room between them.
"""

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kindred.engine import flow
from kindred.engine.blas import one_blas_thread
from kindred.engine.travel import GreatCircle, TravelSource

SCALE = 1000  # costs are solved in thousandths
NOT_ELIGIBLE = np.iinfo(np.int32).max


class Infeasible(ValueError):
    """The needs cannot all be met; the message says why in plain words."""


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
    block_rows: int = 512,
) -> Result:
    """The cheapest proposals meeting the needs within capacities, proven against all pairs (see module)."""
    started = time.perf_counter()
    stats: dict[str, float] = {}
    wants, _, capacity = _check(schools, needs, supporters)
    travel = travel or GreatCircle()
    weights = weights or Weights()
    n_needs, n_sup = len(needs.school), len(supporters.school)
    tie_keys = {(int(a), int(b)) for a, b in ties}

    cost = pair_costs(
        schools,
        needs,
        supporters,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        ties=tie_keys,
        block_rows=block_rows,
    )
    supporters_per_need = (cost != NOT_ELIGIBLE).sum(axis=1)
    eligible_count = int(supporters_per_need.sum())
    unmet_cost = round(weights.unmet * SCALE)

    _explain_if_obviously_infeasible(needs, wants, capacity, cost, allow_unmet, domain_names)

    stats["cost_s"] = time.perf_counter() - started

    # 3. Start with each need's cheapest candidate pairs.
    k = min(candidates, n_sup)
    if k and n_needs:
        first = (
            np.argpartition(cost, k - 1, axis=1)[:, :k]
            if k < n_sup
            else np.tile(np.arange(n_sup), (n_needs, 1))
        )
        pair_need = np.repeat(np.arange(n_needs), k)
        pair_sup = first.ravel()
        keep = cost[pair_need, pair_sup] != NOT_ELIGIBLE
        pair_need, pair_sup = pair_need[keep], pair_sup[keep]
    else:
        pair_need = pair_sup = np.zeros(0, dtype=np.int64)
    stats["candidates_s"] = time.perf_counter() - started - stats["cost_s"]

    rounds = 0
    while True:
        rounds += 1
        x, u, v, total = _solve_and_price(
            n_needs, n_sup, pair_need, pair_sup, cost, wants, capacity, unmet_cost
        )
        # 4. Price every eligible pair against the duals (pairs in the model have reduced cost >= 0).
        bound = int((wants * u).sum() + (capacity * v).sum())
        new_need, new_sup, new_value = [], [], []
        for start in range(0, n_needs, block_rows):
            rows = slice(start, min(start + block_rows, n_needs))
            block = cost[rows]
            reduced = block.astype(np.int64) - u[rows, None] - v[None, :]
            negative = (reduced < 0) & (block != NOT_ELIGIBLE)
            r, c = np.nonzero(negative)
            values = reduced[r, c]
            bound += int(values.sum())
            new_need.append(r + start)
            new_sup.append(c)
            new_value.append(values)
        new_need = np.concatenate(new_need)
        new_sup = np.concatenate(new_sup)
        new_value = np.concatenate(new_value)
        in_model = np.isin(new_need * n_sup + new_sup, pair_need * n_sup + pair_sup)
        # Pairs in the model count in the bound (a chosen pair may be below zero) but are not added again.
        new_need, new_sup, new_value = new_need[~in_model], new_sup[~in_model], new_value[~in_model]
        if len(new_need):  # keep the most improving few per need
            order = np.lexsort((new_value, new_need))
            new_need, new_sup = new_need[order], new_sup[order]
            first_of_need = np.searchsorted(new_need, new_need)
            keep = np.arange(len(new_need)) - first_of_need < add_per_round
            new_need, new_sup = new_need[keep], new_sup[keep]
        if not len(new_need) or rounds >= max_rounds:
            break
        pair_need = np.concatenate([pair_need, new_need])
        pair_sup = np.concatenate([pair_sup, new_sup])
    stats["solve_and_price_s"] = time.perf_counter() - started - stats["cost_s"] - stats["candidates_s"]

    chosen = x > 0
    unmet = wants - np.bincount(pair_need[chosen], minlength=n_needs)
    if unmet.any() and not allow_unmet:
        raise Infeasible(
            _hall_witness(
                needs, wants, capacity, cost, pair_need[chosen], pair_sup[chosen], unmet, domain_names
            )
        )
    proposals = _proposals(
        schools,
        needs,
        supporters,
        pair_need[chosen],
        pair_sup[chosen],
        cost,
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
    proposed (module, steps 1–2)."""
    n_needs, n_sup = len(needs.school), len(supporters.school)
    blocked = np.zeros(n_sup, dtype=bool) if supporters.blocked is None else np.asarray(supporters.blocked)
    tie_keys = ties
    cost = np.full((n_needs, n_sup), NOT_ELIGIBLE, dtype=np.int32)
    sup_school = supporters.school
    lat, lon, auth, ctx = schools.latitude, schools.longitude, schools.authority, schools.context
    sup_ctx = ctx[sup_school]
    sup_norm = (sup_ctx * sup_ctx).sum(1)
    for start in range(0, n_needs, block_rows):
        rows = slice(start, min(start + block_rows, n_needs))
        need_school = needs.school[rows]
        z = supporters.strength[:, needs.domain[rows]].T  # rows × supporters
        eligible = ~np.isnan(z) & ~blocked[None, :] & (need_school[:, None] != sup_school[None, :])
        same_auth = (auth[need_school][:, None] == auth[sup_school][None, :]) & (
            auth[need_school][:, None] >= 0
        )
        if require_other_authority:
            eligible &= ~same_auth
        minutes = travel.minutes(lat[need_school], lon[need_school], lat[sup_school], lon[sup_school])
        need_ctx = ctx[need_school]
        ctx_dist = np.sqrt(
            np.clip(
                (need_ctx * need_ctx).sum(1)[:, None] + sup_norm[None, :] - 2 * need_ctx @ sup_ctx.T, 0, None
            )
        )
        block = (
            weights.strength * np.clip(4.0 - np.nan_to_num(z), 0.0, None)
            + weights.context * ctx_dist
            + weights.travel * minutes / 30.0
            + weights.same_authority * same_auth
        )
        if tie_keys:
            for r, s in np.argwhere(eligible):
                if (int(need_school[r]), int(sup_school[s])) in tie_keys:
                    block[r, s] += weights.existing_tie
        block = np.rint(block * SCALE)
        if (block[eligible] >= NOT_ELIGIBLE).any():
            raise ValueError("a pairing's cost is too large to solve; lower the brokering weights")
        cost[rows] = np.where(eligible, block, NOT_ELIGIBLE).astype(np.int32)
    return cost


def _solve_and_price(n_needs, n_sup, pair_need, pair_sup, cost, wants, capacity, unmet_cost):
    """Solve the flow on the candidate pairs; return pair flows, duals u (needs), v (supporters), cost."""
    sink = n_needs + n_sup
    tail = np.concatenate([pair_need, np.arange(n_sup) + n_needs, np.arange(n_needs)])
    head = np.concatenate([pair_sup + n_needs, np.full(n_sup, sink), np.full(n_needs, sink)])
    cap = np.concatenate([np.ones(len(pair_need), dtype=np.int64), capacity, wants])
    arc_cost = np.concatenate(
        [cost[pair_need, pair_sup].astype(np.int64), np.zeros(n_sup, np.int64), np.full(n_needs, unmet_cost)]
    )
    supply = np.concatenate([wants, np.zeros(n_sup, np.int64), [-wants.sum()]])
    flows = flow.solve(sink + 1, tail, head, cap, arc_cost, supply)
    d = flow.potentials(sink + 1, tail, head, cap, arc_cost, flows)
    u = np.minimum(d[sink] - d[:n_needs], unmet_cost).astype(np.int64)
    v = np.minimum(d[n_needs:sink] - d[sink], 0).astype(np.int64)
    total = int((flows * arc_cost).sum())
    return flows[: len(pair_need)], u, v, total


def _need_label(needs: Needs, i: int, domain_names: Sequence[str]) -> str:
    domain = int(needs.domain[i])
    name = domain_names[domain] if domain < len(domain_names) else f"domain {domain}"
    return f"school #{int(needs.school[i])} ({name})"


def _explain_if_obviously_infeasible(needs, wants, capacity, cost, allow_unmet, domain_names) -> None:
    if allow_unmet:
        return
    none = (
        np.flatnonzero((wants > 0) & (cost == NOT_ELIGIBLE).all(axis=1))
        if cost.shape[1]
        else np.flatnonzero(wants > 0)
    )
    if len(none):
        listed = ", ".join(_need_label(needs, int(i), domain_names) for i in none[:5])
        more = f" and {len(none) - 5} more" if len(none) > 5 else ""
        raise Infeasible(
            f"{len(none)} need(s) have no school that may support them (no reliable strength in the domain "
            f"outside red and amber schools): {listed}{more}"
        )
    if wants.sum() > capacity.sum():
        raise Infeasible(
            f"the needs want {int(wants.sum())} partners but the supporters can take only {int(capacity.sum())} "
            f"between them; raise capacities or allow unmet needs"
        )
    eligible = cost != NOT_ELIGIBLE
    per_need_max = np.minimum(eligible.sum(axis=1), np.iinfo(np.int64).max)
    short = np.flatnonzero(wants > per_need_max)
    if len(short):
        i = int(short[0])
        raise Infeasible(
            f"{_need_label(needs, i, domain_names)} wants {int(wants[i])} partners but only "
            f"{int(per_need_max[i])} school(s) may support it"
        )


def _hall_witness(needs, wants, capacity, cost, chosen_need, chosen_sup, unmet, domain_names) -> str:
    """Name a group of needs whose possible supporters have too little room (Hall's condition fails)."""
    assigned = [[] for _ in range(cost.shape[1])]
    for i, j in zip(chosen_need, chosen_sup, strict=True):
        assigned[int(j)].append(int(i))
    need_seen = set(np.flatnonzero(unmet > 0).tolist())
    frontier = list(need_seen)
    sup_seen: set[int] = set()
    while frontier:
        i = frontier.pop()
        for j in np.flatnonzero(cost[i] != NOT_ELIGIBLE).tolist():
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
    return (
        f"{len(group)} need(s) wanting {int(wants[group].sum())} partners can only be supported by "
        f"{len(sup_seen)} school(s) with room for {int(capacity[sorted(sup_seen)].sum()) if sup_seen else 0}: "
        f"{listed}{more}"
    )


def _proposals(
    schools, needs, supporters, pair_need, pair_sup, cost, travel, tie_keys, weights, domain_names
):
    proposals = []
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
    order = np.lexsort((cost[pair_need, pair_sup], pair_need))
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
                cost=int(cost[i, j]) / SCALE,
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


def reason_text(proposal: Proposal) -> str:
    """The proposal's reasons as one plain sentence fragment ("strong in reading, 12 km away, …")."""
    return ", ".join(proposal.reasons)
