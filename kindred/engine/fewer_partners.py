"""Brokering that prefers one partner covering several needs: a cost for each extra partner school.

A red school with five needs gets five partnerships from `brokering.broker` when five different
schools are each the cheapest for one need. A leader may ask instead for as few partner schools as is
reasonable: each supported school pays `partner_cost` for every partner school beyond its first.

**Why not in the flow.** The charge is paid once per (supported school, partner school) pair, however
many needs that pair covers: a fixed charge, which is concave in the flow, while a min-cost flow only
takes convex (linear) arc costs. No flow network expresses it exactly, so this is a small mixed-integer
programme (scipy's HiGHS, already a dependency; OR-Tools' CP-SAT would need pandas, which installs
leave out), solved after the flow and only when asked for: the default path is untouched.

What is computed, in steps:

1. `broker` gives the plain optimum and its lower bound over *all* eligible pairs (its proof).
2. Only schools with two needs or more can gain. Their needs are re-decided; every other need keeps
   its partner, whose place is taken off the supporter's capacity.
3. Candidates for such a school: the partners `broker` chose for its needs, and the `nearby` nearest
   supporters that may support at least two of its needs (strong in both domains, not red or amber,
   not itself), with every eligible pair between its needs and those supporters, costed as `broker`
   costs them (`brokering.pair_costs`).
4. The programme: binary x (pair chosen), integer u (a need's partners left unfound), binary y
   (school s has partner t), binary z (s has a partner at all). Minimise
   `Σ cost·x + unmet·u + partner_cost·(Σ y − Σ z)`, each need's wanted partners met or counted unmet,
   each supporter within its capacity (a place per need, as in `broker`), `x ≤ y`, `z ≤ Σ y`.
   `broker`'s answer is feasible in it, so the answer is never worse than the plain one plus its
   charges. HiGHS stops at `time_limit` seconds with the best answer found.
5. **The gap.** The charges are never negative, so the plain lower bound of step 1 is a lower bound
   of this problem too (over all pairs, not only the candidates); the reported gap is against it.
   `milp_gap` is HiGHS' own gap within the candidates.
"""

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from kindred.engine import brokering
from kindred.engine.brokering import NOT_ELIGIBLE, SCALE, Needs, Result, Schools, Supporters, Weights
from kindred.engine.travel import GreatCircle, TravelSource

EXTRA_PARTNER_COST = 2.0  # per partner school beyond the first, in cost units (an hour's travel)


def extra_partners(result: Result, needs: Needs, supporters: Supporters) -> int:
    """Partner schools beyond each supported school's first, summed over the schools."""
    return sum(n - 1 for n in brokering.partners_per_school(result.proposals, needs, supporters).values())


def fewer_partners(
    result: Result,
    schools: Schools,
    needs: Needs,
    supporters: Supporters,
    *,
    partner_cost: float = EXTRA_PARTNER_COST,
    weights: Weights | None = None,
    travel: TravelSource | None = None,
    require_other_authority: bool = False,
    ties: Sequence[tuple[int, int]] = (),
    domain_names: Sequence[str] = (),
    nearby: int = 12,
    time_limit: float = 30.0,
) -> Result:
    """`result` (from `broker` on the same inputs) re-decided for schools with several needs, paying
    `partner_cost` for each partner school beyond a school's first (see the module's steps)."""
    started = time.perf_counter()
    weights = weights or Weights()
    travel = travel or GreatCircle()
    tie_keys = {(int(a), int(b)) for a, b in ties}
    wants = np.ones(len(needs.school), dtype=np.int64) if needs.wants is None else np.asarray(needs.wants)
    capacity = np.asarray(supporters.capacity, dtype=np.int64).copy()
    unmet_cost = round(weights.unmet * SCALE)
    charge = round(partner_cost * SCALE)

    need_count = np.bincount(needs.school, minlength=schools.size)
    several = need_count[needs.school] >= 2  # needs of schools with two needs or more
    kept = [p for p in result.proposals if not several[p.need]]
    for p in kept:
        capacity[p.supporter] -= 1
    chosen_for: dict[int, set[int]] = {}
    for p in result.proposals:
        if several[p.need]:
            chosen_for.setdefault(int(needs.school[p.need]), set()).add(p.supporter)

    # 3. Candidate pairs per school with several needs.
    strong = ~np.isnan(supporters.strength)
    if supporters.blocked is not None:
        strong &= ~np.asarray(supporters.blocked, dtype=bool)[:, None]
    lat, lon = schools.latitude, schools.longitude
    pair_need: list[np.ndarray] = []
    pair_sup: list[np.ndarray] = []
    pair_cost: list[np.ndarray] = []
    multi_needs = np.flatnonzero(several)
    for school in np.unique(needs.school[multi_needs]):
        mine = multi_needs[needs.school[multi_needs] == school]
        covers = strong[:, needs.domain[mine]].sum(axis=1)
        covers[supporters.school == school] = 0
        many = np.flatnonzero(covers >= 2)
        if len(many) > nearby:
            km = travel.km_pairs(
                np.full(len(many), lat[school]), np.full(len(many), lon[school]),
                lat[supporters.school[many]], lon[supporters.school[many]],
            )  # fmt: skip
            many = many[np.argsort(km, kind="stable")[:nearby]]
        candidates = np.union1d(many, np.fromiter(chosen_for.get(int(school), ()), dtype=np.int64))
        if not len(candidates):
            continue
        cost = brokering.pair_costs(
            schools,
            Needs(school=needs.school[mine], domain=needs.domain[mine], wants=wants[mine]),
            Supporters(
                school=supporters.school[candidates],
                capacity=supporters.capacity[candidates],
                strength=supporters.strength[candidates],
                blocked=None if supporters.blocked is None else supporters.blocked[candidates],
            ),
            weights=weights,
            travel=travel,
            require_other_authority=require_other_authority,
            ties=tie_keys,
        )
        r, c = np.nonzero(cost != NOT_ELIGIBLE)
        pair_need.append(mine[r])
        pair_sup.append(candidates[c])
        pair_cost.append(cost[r, c].astype(np.int64))
    if not pair_need:
        return result
    p_need = np.concatenate(pair_need)
    p_sup = np.concatenate(pair_sup)
    p_cost = np.concatenate(pair_cost)

    # 4. The programme: x (pairs), u (needs), y (school–partner links), z (schools).
    need_ids, need_of = np.unique(np.concatenate([p_need, multi_needs]), return_inverse=True)
    need_of_pair = need_of[: len(p_need)]
    link_keys = needs.school[p_need].astype(np.int64) * (schools.size + 1) + supporters.school[p_sup]
    links, link_of_pair = np.unique(link_keys, return_inverse=True)
    link_school = links // (schools.size + 1)
    link_schools, school_of_link = np.unique(link_school, return_inverse=True)
    sups, sup_of_pair = np.unique(p_sup, return_inverse=True)
    n_x, n_u, n_y, n_z = len(p_need), len(need_ids), len(links), len(link_schools)
    x0, u0, y0, z0 = 0, n_x, n_x + n_u, n_x + n_u + n_y
    n_vars = z0 + n_z
    objective = np.concatenate(
        [p_cost, np.full(n_u, unmet_cost), np.full(n_y, charge), np.full(n_z, -charge)]
    ).astype(float)

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []

    def add(block_rows, block_cols, block_vals, lo, hi):
        offset = int(sum(len(bound) for bound in lower))  # the rows added so far
        rows.append(np.asarray(block_rows) + offset)
        cols.append(np.asarray(block_cols))
        vals.append(np.asarray(block_vals, dtype=float))
        lower.append(np.asarray(lo, dtype=float))
        upper.append(np.asarray(hi, dtype=float))

    # each need: its chosen pairs plus its unmet partners = wanted
    add(
        np.concatenate([need_of_pair, np.arange(n_u)]),
        np.concatenate([x0 + np.arange(n_x), u0 + np.arange(n_u)]),
        np.ones(n_x + n_u),
        wants[need_ids],
        wants[need_ids],
    )
    # each supporter within what is left of its capacity
    add(
        sup_of_pair,
        x0 + np.arange(n_x),
        np.ones(n_x),
        np.full(len(sups), -np.inf),
        np.maximum(capacity[sups], 0),
    )
    # a pair only with its school–partner link: x − y ≤ 0
    add(
        np.concatenate([np.arange(n_x), np.arange(n_x)]),
        np.concatenate([x0 + np.arange(n_x), y0 + link_of_pair]),
        np.concatenate([np.ones(n_x), -np.ones(n_x)]),
        np.full(n_x, -np.inf),
        np.zeros(n_x),
    )
    # a school "has a partner" only through a link: z − Σ y ≤ 0
    add(
        np.concatenate([np.arange(n_z), school_of_link]),
        np.concatenate([z0 + np.arange(n_z), y0 + np.arange(n_y)]),
        np.concatenate([np.ones(n_z), -np.ones(n_y)]),
        np.full(n_z, -np.inf),
        np.zeros(n_z),
    )
    matrix = sparse.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(sum(len(lo) for lo in lower), n_vars),
    )
    solved = milp(
        objective,
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
        integrality=np.ones(n_vars, dtype=np.int64),
        bounds=Bounds(
            np.zeros(n_vars),
            np.concatenate([np.ones(n_x), wants[need_ids], np.ones(n_y + n_z)]).astype(float),
        ),
        options={"time_limit": time_limit, "disp": False},
    )
    if solved.x is None:  # no answer within the time: the plain one stands
        return result
    take = np.round(solved.x[:n_x]).astype(bool)

    # 5. The answer: kept proposals, the programme's pairs; cost, unmet, gap against the plain bound.
    new_need, new_sup, new_cost = p_need[take], p_sup[take], p_cost[take]
    re_decided = brokering._proposals(
        schools, needs, supporters, new_need, new_sup, new_cost, travel, tie_keys, weights, domain_names
    )
    proposals = sorted([*kept, *re_decided], key=lambda p: (p.need, p.cost))
    unmet = wants - np.bincount([p.need for p in proposals], minlength=len(needs.school))
    answer = replace(result, proposals=proposals, unmet=unmet)
    extra = extra_partners(answer, needs, supporters)
    total = sum(p.cost for p in proposals) + float(unmet.sum()) * weights.unmet + extra * partner_cost
    stats = {
        **result.stats,
        "fewer_partners_s": time.perf_counter() - started,
        "milp_pairs": n_x,
        "milp_gap": float(getattr(solved, "mip_gap", 0.0) or 0.0),
        "extra_partners_before": extra_partners(result, needs, supporters),
        "extra_partners": extra,
        "partner_cost": partner_cost,
    }
    return replace(
        answer,
        cost=total,
        gap=0.0 if total == 0 else max(0.0, (total - result.lower_bound) / abs(total)),
        stats=stats,
    )
