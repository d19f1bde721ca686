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
   supporters (straight line) that may support at least two of its needs (strong in both domains, not
   red or amber, not itself) and have a place left after step 2, with every eligible pair between its
   needs and those supporters, costed as `broker` costs them (`brokering._Pairs.cost`, in batches of
   schools near one another; a k-d tree per set of needed domains finds the nearest, no loop over
   schools).
4. The programme: binary x (pair chosen), integer u (a need's partners left unfound), binary y
   (school s has partner t), binary z (s has a partner at all). Minimise
   `Σ cost·x + unmet·u + partner_cost·(Σ y − Σ z)`, each need's wanted partners met or counted unmet,
   each supporter within its capacity (a place per need, as in `broker`), `x ≤ y`, `z ≤ Σ y`.
   A whole country's programme is far too big for HiGHS (its set-up alone, which does not look at
   the time limit, ran for over ten minutes), and even small pieces of it take HiGHS about a
   millisecond per pair, so a country is first brought near a good answer by flows (step 5) and the
   programme is then solved in pieces (step 6) for as long as `time_limit` allows.
5. **Flows with the charge spread over the needs** (dynamic slope scaling), `flow_rounds` rounds over
   all candidates at once: each round is a min-cost flow need → (school, partner school) link →
   supporter, in which a link costs `partner_cost / f` per need, f being the needs it carried the
   round before (or could carry at most, when it carried none), and a school's busiest link is free
   (its first partner). The flow's answer is where the first round starts; the cheapest answer of
   all rounds, counted with the true charges, is kept, so this step is never dearer than the flow's
   answer plus its charges. Each round is an OR-Tools flow solve (about 2 CPU seconds nationally);
   the rounds are not cut by `time_limit`, so that this step's answer does not depend on the load.
6. **The programme in pieces.** Two schools interact only through a supporter both may take: the
   connected components of the graph of schools and their candidate supporters are independent
   programmes, so solving them apart gives exactly the optimum of the whole. Components are packed
   together into pieces of up to about `piece_pairs` pairs (independent blocks of one programme, each
   solved exactly). A component larger than that (a whole country is one) is cut into chunks of
   schools near one another (in the order of a space-filling curve), solved one after the other,
   each with the places its own schools hold in the answer so far plus those nobody holds (a
   large-neighbourhood search); a second pass cuts the chunks half a chunk further on, so that
   places can move across the first pass's cuts. Chunks whose schools pay the most charges per pair
   go first, as the time may run out. A chunk's answer is kept only when it costs less than what its
   schools had, so the whole is never dearer than the flow's answer plus its charges. HiGHS stops a
   piece at the time left of `time_limit` (counted from the start of this step 2); pieces after that
   keep the answer they had. When no component had to be cut and every piece was proven optimal, the
   answer is the optimum over the candidates (`stats["exact"]`); `mip_rel_gap` is HiGHS' tolerance.
7. **The gap.** The charges are never negative, so the plain lower bound of step 1 is a lower bound
   of this problem too (over all pairs, not only the candidates); the reported gap is against it, so
   it includes the charges the answer still pays: an upper bound on the true gap, not a proof of
   optimality. `milp_gap` is the largest of HiGHS' own gaps within a piece.
"""

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from kindred.engine import brokering, flow
from kindred.engine.brokering import NOT_ELIGIBLE, SCALE, Needs, Result, Schools, Supporters, Weights
from kindred.engine.travel import GreatCircle, TravelSource, to_xyz

EXTRA_PARTNER_COST = 2.0  # per partner school beyond the first, in cost units (an hour's travel)
PIECE_PAIRS = 1_000  # candidate pairs in one programme, about (step 5)


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
    nearby: int = 6,
    time_limit: float = 20.0,
    piece_pairs: int | None = PIECE_PAIRS,
    passes: int = 2,
    mip_rel_gap: float = 1e-4,
    flow_rounds: int = 4,
) -> Result:
    """`result` (from `broker` on the same inputs) re-decided for schools with several needs, paying
    `partner_cost` for each partner school beyond a school's first (see the module's steps).
    `piece_pairs=None` solves the candidates as one programme (for checking the pieces)."""
    started = time.perf_counter()
    weights = weights or Weights()
    travel = travel or GreatCircle()
    tie_keys = {(int(a), int(b)) for a, b in ties}
    wants = np.ones(len(needs.school), dtype=np.int64) if needs.wants is None else np.asarray(needs.wants)
    n_sup = len(supporters.school)
    unmet_cost = round(weights.unmet * SCALE)
    charge = round(partner_cost * SCALE)

    # 2. Needs of schools with two needs or more are re-decided; the others keep their places.
    need_count = np.bincount(needs.school, minlength=schools.size)
    several = need_count[needs.school] >= 2
    kept = [p for p in result.proposals if not several[p.need]]
    room = np.asarray(supporters.capacity, dtype=np.int64) - np.bincount(
        np.array([p.supporter for p in kept], dtype=np.int64), minlength=n_sup
    )
    room = np.maximum(room, 0)
    chosen = [p for p in result.proposals if several[p.need]]
    chosen_need = np.array([p.need for p in chosen], dtype=np.int64)
    chosen_sup = np.array([p.supporter for p in chosen], dtype=np.int64)
    multi_needs = np.flatnonzero(several)
    if not len(multi_needs):
        return result

    # 3. Candidate pairs.
    p_need, p_sup, p_cost = _candidate_pairs(
        schools,
        needs,
        supporters,
        multi_needs,
        needs.school[chosen_need],
        chosen_sup,
        room,
        nearby=nearby,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        tie_keys=tie_keys,
    )
    if not len(p_need):
        return result
    candidates_s = time.perf_counter() - started
    current = np.isin(p_need * n_sup + p_sup, chosen_need * n_sup + chosen_sup)

    # 5. The flow with each link's charge spread over its needs, a few rounds (all candidates at once).
    deadline = started + time_limit
    flow_started = time.perf_counter()
    current, flow_rounds = _spread_charges(
        p_need, p_sup, p_cost, current, needs=needs, supporters=supporters, wants=wants, room=room,
        unmet_cost=unmet_cost, charge=charge, rounds=flow_rounds,
    )  # fmt: skip
    flow_s = time.perf_counter() - flow_started

    # 6. Pieces: whole components packed together, then chunks of the components too large.
    pieces, components, largest = _pieces(schools, needs, p_need, p_sup, piece_pairs, passes)
    # chunks where the answer so far pays the most charges per pair first (the time may run out)
    links = (
        needs.school[p_need].astype(np.int64) * (int(supporters.school.max()) + 1) + supporters.school[p_sup]
    )
    pieces.sort(
        key=lambda piece: (piece[1] > 0, piece[1], -_charges(piece[0], current, links, needs, p_need))
    )
    used = np.bincount(p_sup[current], minlength=n_sup)
    solved_pieces = proven = unsolved = improved = 0
    worst_gap = 0.0
    for piece, cut in pieces:
        exact_piece = not cut
        left = deadline - time.perf_counter()
        if left <= 0:
            unsolved += 1
            continue
        before = current[piece]
        mine = np.bincount(p_sup[piece][before], minlength=n_sup)
        take, optimal, gap = _solve_piece(
            p_need[piece],
            p_sup[piece],
            p_cost[piece],
            needs=needs,
            supporters=supporters,
            wants=wants,
            room=room - used + mine,
            unmet_cost=unmet_cost,
            charge=charge,
            time_limit=left,
            mip_rel_gap=mip_rel_gap,
        )
        solved_pieces += 1
        if take is None:
            unsolved += 1
            continue
        proven += optimal
        worst_gap = max(worst_gap, gap)
        args = (p_need[piece], p_sup[piece], p_cost[piece])
        better = _piece_cost(*args, take, needs, supporters, wants, unmet_cost, charge) < _piece_cost(
            *args, before, needs, supporters, wants, unmet_cost, charge
        )
        if (exact_piece and optimal) or better:
            improved += bool((take != before).any())
            used += np.bincount(p_sup[piece][take], minlength=n_sup) - mine
            current[piece] = take

    # 7. The answer: kept proposals, the pieces' pairs; cost, unmet, gap against the plain bound.
    re_decided = brokering._proposals(
        schools,
        needs,
        supporters,
        p_need[current],
        p_sup[current],
        p_cost[current],
        travel,
        tie_keys,
        weights,
        domain_names,
    )
    proposals = sorted([*kept, *re_decided], key=lambda p: (p.need, p.cost))
    unmet = wants - np.bincount([p.need for p in proposals], minlength=len(needs.school))
    answer = replace(result, proposals=proposals, unmet=unmet)
    extra = extra_partners(answer, needs, supporters)
    total = sum(p.cost for p in proposals) + float(unmet.sum()) * weights.unmet + extra * partner_cost
    split = any(cut for _piece, cut in pieces)
    stats = {
        **result.stats,
        "fewer_partners_s": time.perf_counter() - started,
        "fewer_candidates_s": candidates_s,
        "fewer_flow_s": flow_s,
        "fewer_flow_rounds": flow_rounds,
        "milp_pairs": len(p_need),
        "milp_components": components,
        "milp_largest_component_pairs": largest,
        "milp_pieces": len(pieces),
        "milp_pieces_solved": solved_pieces,
        "milp_pieces_proven": proven,
        "milp_pieces_unsolved": unsolved,
        "milp_pieces_improved": improved,
        "milp_gap": worst_gap,
        "exact": not split and not unsolved and proven == len(pieces),
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


def _candidate_pairs(
    schools: Schools,
    needs: Needs,
    supporters: Supporters,
    multi_needs: np.ndarray,
    chosen_school: np.ndarray,
    chosen_sup: np.ndarray,
    room: np.ndarray,
    *,
    nearby: int,
    weights: Weights,
    travel: TravelSource,
    require_other_authority: bool,
    tie_keys: set[tuple[int, int]],
    batch: int = 2048,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(need, supporter, cost) of every eligible candidate pair of step 3, the needs of one school
    together, schools near one another next to one another."""
    strong = ~np.isnan(supporters.strength)
    if supporters.blocked is not None:
        strong &= ~np.asarray(supporters.blocked, dtype=bool)[:, None]
    xyz = to_xyz(schools.latitude, schools.longitude)
    need_school = needs.school[multi_needs]
    multi_schools, school_pos = np.unique(need_school, return_inverse=True)
    has = np.zeros((len(multi_schools), strong.shape[1]), dtype=bool)
    has[school_pos, needs.domain[multi_needs]] = True
    patterns, pattern_of = np.unique(has, axis=0, return_inverse=True)
    school_parts, sup_parts = [chosen_school], [chosen_sup]
    for number, pattern in enumerate(patterns):
        pool = np.flatnonzero((strong[:, pattern].sum(axis=1) >= 2) & (room > 0))
        if not len(pool):
            continue
        group = multi_schools[pattern_of.ravel() == number]
        k = min(nearby + 1, len(pool))  # one more, in case the school itself is among them
        _distance, found = cKDTree(xyz[supporters.school[pool]]).query(xyz[group], k=k)
        found = pool[np.asarray(found).reshape(len(group), k)]
        other = supporters.school[found] != group[:, None]
        keep = other & (np.cumsum(other, axis=1) <= nearby)
        school_parts.append(np.broadcast_to(group[:, None], found.shape)[keep])
        sup_parts.append(found[keep])
    keys = np.unique(np.concatenate(school_parts) * len(supporters.school) + np.concatenate(sup_parts))
    cand_school, cand_sup = keys // len(supporters.school), keys % len(supporters.school)

    # every need of the school with each of its candidates
    order = np.argsort(need_school, kind="stable")
    by_school = multi_needs[order]
    first = np.searchsorted(need_school[order], multi_schools)
    count = np.bincount(school_pos, minlength=len(multi_schools))
    pos = np.searchsorted(multi_schools, cand_school)
    counts, starts = count[pos], first[pos]
    index = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    pair_need, pair_sup = by_school[index], np.repeat(cand_sup, counts)

    # costed as `broker` costs them, a batch of neighbouring schools' pairs at a time
    curve = brokering._morton(schools.latitude, schools.longitude)
    order = np.lexsort((pair_sup, pair_need, needs.school[pair_need], curve[needs.school[pair_need]]))
    pair_need, pair_sup = pair_need[order], pair_sup[order]
    pairs = brokering._Pairs(
        schools,
        needs,
        supporters,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        ties=sorted(tie_keys),
        cells=2_000_000,
        cache_bytes=0,
    )
    cost = np.empty(len(pair_need), dtype=np.int64)
    for start in range(0, len(pair_need), batch):
        part = slice(start, start + batch)
        rows, row_of = np.unique(pair_need[part], return_inverse=True)
        cols, col_of = np.unique(pair_sup[part], return_inverse=True)
        cost[part] = pairs.cost(rows, cols)[row_of, col_of]
    eligible = cost != NOT_ELIGIBLE
    return pair_need[eligible], pair_sup[eligible], cost[eligible]


def _spread_charges(
    p_need: np.ndarray,
    p_sup: np.ndarray,
    p_cost: np.ndarray,
    current: np.ndarray,
    *,
    needs: Needs,
    supporters: Supporters,
    wants: np.ndarray,
    room: np.ndarray,
    unmet_cost: int,
    charge: int,
    rounds: int,
) -> tuple[np.ndarray, int]:
    """Step 5: the best of `current` and a few min-cost flows in which each (school, partner school)
    link's charge is spread over the needs it carried the round before (dynamic slope scaling: a link
    that carried f needs costs charge / f per need; a school's busiest link is its free first partner).
    Each round is a min-cost flow over the candidates alone; the pairs taken and the number of rounds."""
    n_schools = int(max(needs.school.max(initial=0), supporters.school.max(initial=0))) + 1
    need_ids, need_of = np.unique(p_need, return_inverse=True)
    links, link_of = np.unique(
        needs.school[p_need].astype(np.int64) * (n_schools + 1) + supporters.school[p_sup],
        return_inverse=True,
    )
    link_school = links // (n_schools + 1)
    sups, sup_of = np.unique(p_sup, return_inverse=True)
    link_sup = np.zeros(len(links), dtype=np.int64)
    link_sup[link_of] = sup_of
    n_u, n_y, n_s = len(need_ids), len(links), len(sups)
    sink = n_u + n_y + n_s
    tail = np.concatenate([need_of, n_u + np.arange(n_y), n_u + n_y + np.arange(n_s), np.arange(n_u)])
    head = np.concatenate([n_u + link_of, n_u + n_y + link_sup, np.full(n_s, sink), np.full(n_u, sink)])
    capacity = np.concatenate(
        [
            np.ones(len(p_need), dtype=np.int64),
            np.bincount(link_of, minlength=n_y),
            room[sups],
            wants[need_ids],
        ]
    )
    supply = np.concatenate([wants[need_ids], np.zeros(n_y + n_s, dtype=np.int64), [-wants[need_ids].sum()]])

    def objective(take: np.ndarray) -> int:
        used = np.bincount(link_of[take], minlength=n_y) > 0
        return int(
            p_cost[take].sum()
            + unmet_cost * (wants[need_ids] - np.bincount(need_of[take], minlength=n_u)).sum()
            + charge * (used.sum() - len(np.unique(link_school[used])))
        )

    best, best_cost, done = current, objective(current), 0
    take = current
    for _ in range(rounds):
        carried = np.bincount(link_of[take], minlength=n_y)
        spread = charge // np.where(carried > 0, carried, capacity[len(p_need) : len(p_need) + n_y])
        busiest = np.lexsort((-carried, link_school))  # per school, its busiest link first
        first = np.ones(n_y, dtype=bool)
        first[1:] = link_school[busiest][1:] != link_school[busiest][:-1]
        spread[busiest[first & (carried[busiest] > 0)]] = 0
        arc_cost = np.concatenate(
            [p_cost, spread, np.zeros(n_s, dtype=np.int64), np.full(n_u, unmet_cost, dtype=np.int64)]
        )
        flows = flow.solve(sink + 1, tail, head, capacity, arc_cost, supply)
        take = flows[: len(p_need)] > 0
        done += 1
        cost = objective(take)
        if cost < best_cost:
            best, best_cost = take, cost
        elif cost == best_cost and (take == best).all():
            break
    return best, done


def _pieces(
    schools: Schools,
    needs: Needs,
    p_need: np.ndarray,
    p_sup: np.ndarray,
    piece_pairs: int | None,
    passes: int,
) -> tuple[list[tuple[np.ndarray, int]], int, int]:
    """The pieces of step 6 as (pair indices, 0 for whole components or the pass of a chunk), the
    number of components and the pairs of the largest."""
    school_of_pair = needs.school[p_need]
    if piece_pairs is None:
        return [(np.arange(len(p_need)), 0)], 1, len(p_need)
    school_ids, s_of = np.unique(school_of_pair, return_inverse=True)
    sup_ids, j_of = np.unique(p_sup, return_inverse=True)
    n_nodes = len(school_ids) + len(sup_ids)
    graph = sparse.coo_array((np.ones(len(p_need)), (s_of, len(school_ids) + j_of)), shape=(n_nodes, n_nodes))
    n_components, label = csgraph.connected_components(graph, directed=False)
    component = label[s_of]
    sizes = np.bincount(component, minlength=n_components)
    pieces: list[tuple[np.ndarray, int]] = []

    # whole components, packed in order while the piece has room (a piece: under 2 × piece_pairs)
    whole = sizes <= piece_pairs
    start = np.cumsum(np.where(whole, sizes, 0)) - np.where(whole, sizes, 0)
    bin_of_component = np.where(whole, start // max(1, piece_pairs), -1)
    pair_bin = bin_of_component[component]
    order = np.argsort(pair_bin, kind="stable")
    bins, first = np.unique(pair_bin[order], return_index=True)
    for number, pairs in zip(bins, np.split(order, first[1:]), strict=True):
        if number >= 0:
            pieces.append((np.sort(pairs), 0))

    # components too large: chunks of schools in curve order, each pass shifted by half a chunk
    curve = brokering._morton(schools.latitude, schools.longitude)
    for big in np.flatnonzero(~whole):
        pairs = np.flatnonzero(component == big)
        pairs = pairs[np.lexsort((school_of_pair[pairs], curve[school_of_pair[pairs]]))]
        _schools, at = np.unique(school_of_pair[pairs], return_index=True)
        at = np.sort(at)  # each school's first pair, in curve order
        for shift in range(passes):
            offset = (shift * piece_pairs) // 2
            chunk_of_school = (at + offset) // piece_pairs
            chunk = np.repeat(chunk_of_school, np.diff(np.append(at, len(pairs))))
            for number in np.unique(chunk):
                pieces.append((np.sort(pairs[chunk == number]), shift + 1))
    return pieces, int(n_components), int(sizes.max(initial=0))


def _charges(
    piece: np.ndarray, take: np.ndarray, links: np.ndarray, needs: Needs, p_need: np.ndarray
) -> float:
    """Partner schools beyond the first per pair of `piece` in the answer `take`."""
    chosen = piece[take[piece]]
    return (len(np.unique(links[chosen])) - len(np.unique(needs.school[p_need[chosen]]))) / max(1, len(piece))


def _piece_cost(p_need, p_sup, p_cost, take, needs, supporters, wants, unmet_cost, charge) -> int:
    """A piece's part of the objective (thousandths) for the pairs `take`."""
    need_ids = np.unique(p_need)
    met = np.bincount(p_need[take], minlength=len(wants))[need_ids]
    school, partner = needs.school[p_need[take]], supporters.school[p_sup[take]]
    links = np.unique(school.astype(np.int64) * (int(partner.max(initial=0)) + 1) + partner)
    return int(
        p_cost[take].sum()
        + unmet_cost * (wants[need_ids] - met).sum()
        + charge * (len(links) - len(np.unique(school)))
    )


def _solve_piece(
    p_need: np.ndarray,
    p_sup: np.ndarray,
    p_cost: np.ndarray,
    *,
    needs: Needs,
    supporters: Supporters,
    wants: np.ndarray,
    room: np.ndarray,
    unmet_cost: int,
    charge: int,
    time_limit: float,
    mip_rel_gap: float,
) -> tuple[np.ndarray | None, bool, float]:
    """Step 4's programme on one piece's pairs: which pairs to take (None if HiGHS found no answer in
    time), whether HiGHS proved it optimal, and HiGHS' gap."""
    n_schools = int(max(needs.school.max(initial=0), supporters.school.max(initial=0))) + 1
    need_ids, need_of_pair = np.unique(p_need, return_inverse=True)
    link_keys = needs.school[p_need].astype(np.int64) * (n_schools + 1) + supporters.school[p_sup]
    links, link_of_pair = np.unique(link_keys, return_inverse=True)
    link_schools, school_of_link = np.unique(links // (n_schools + 1), return_inverse=True)
    sups, sup_of_pair = np.unique(p_sup, return_inverse=True)
    n_x, n_u, n_y, n_z = len(p_need), len(need_ids), len(links), len(link_schools)
    x0, u0, y0, z0 = 0, n_x, n_x + n_u, n_x + n_u + n_y
    n_vars = z0 + n_z
    objective = np.concatenate(
        [p_cost, np.full(n_u, unmet_cost), np.full(n_y, charge), np.full(n_z, -charge)]
    ).astype(float)
    wanted = wants[need_ids].astype(float)
    blocks = [
        # each need: its chosen pairs plus its unmet partners = wanted
        (
            np.concatenate([need_of_pair, np.arange(n_u)]),
            np.concatenate([x0 + np.arange(n_x), u0 + np.arange(n_u)]),
            np.ones(n_x + n_u),
            wanted,
            wanted,
        ),
        # each supporter within the places the piece may use
        (sup_of_pair, x0 + np.arange(n_x), np.ones(n_x), np.full(len(sups), -np.inf), room[sups]),
        # a pair only with its school–partner link: x − y ≤ 0
        (
            np.concatenate([np.arange(n_x), np.arange(n_x)]),
            np.concatenate([x0 + np.arange(n_x), y0 + link_of_pair]),
            np.concatenate([np.ones(n_x), -np.ones(n_x)]),
            np.full(n_x, -np.inf),
            np.zeros(n_x),
        ),
        # a school "has a partner" only through a link: z − Σ y ≤ 0
        (
            np.concatenate([np.arange(n_z), school_of_link]),
            np.concatenate([z0 + np.arange(n_z), y0 + np.arange(n_y)]),
            np.concatenate([np.ones(n_z), -np.ones(n_y)]),
            np.full(n_z, -np.inf),
            np.zeros(n_z),
        ),
    ]
    offsets = np.cumsum([0] + [len(block[3]) for block in blocks])
    matrix = sparse.csr_array(
        (
            np.concatenate([block[2] for block in blocks]),
            (
                np.concatenate([block[0] + offset for block, offset in zip(blocks, offsets, strict=False)]),
                np.concatenate([block[1] for block in blocks]),
            ),
        ),
        shape=(int(offsets[-1]), n_vars),
    )
    solved = milp(
        objective,
        constraints=LinearConstraint(
            matrix,
            np.concatenate([block[3] for block in blocks]),
            np.concatenate([block[4] for block in blocks]).astype(float),
        ),
        integrality=np.ones(n_vars, dtype=np.int64),
        bounds=Bounds(np.zeros(n_vars), np.concatenate([np.ones(n_x), wanted, np.ones(n_y + n_z)])),
        options={"time_limit": time_limit, "disp": False, "mip_rel_gap": mip_rel_gap},
    )
    if solved.x is None:
        return None, False, 0.0
    return (
        np.round(solved.x[:n_x]).astype(bool),
        solved.status == 0,
        float(getattr(solved, "mip_gap", 0.0) or 0.0),
    )
