"""Brokering against cases worked by hand, and its optimality proof against a full linear programme."""

import warnings

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from kindred.engine.brokering import (
    NOT_ELIGIBLE,
    SCALE,
    Infeasible,
    Needs,
    Schools,
    Supporters,
    Weights,
    _morton,
    _most_improving,
    broker,
    pair_costs,
)
from kindred.engine.travel import GreatCircle

NAN = np.nan
KM_PER_DEGREE_LAT = 111.195  # on the mean-radius sphere
STRENGTH_ONLY = Weights(strength=1.0, context=0.0, travel=0.0, same_authority=0.0, existing_tie=0.0)


def schools_at(latitudes, authorities=None, context=None) -> Schools:
    n = len(latitudes)
    return Schools(
        latitude=np.asarray(latitudes, float),
        longitude=np.zeros(n),
        authority=np.asarray(authorities if authorities is not None else np.arange(n)),
        context=np.asarray(context if context is not None else np.zeros((n, 0))),
    )


def test_the_best_total_is_found_where_taking_the_best_supporter_first_would_leave_a_need_unmet():
    # Need 0 (domain 0) may go to school 2 (z 4, cost 0) or school 3 (z 3, cost 1); need 1 (domain 1)
    # only to school 2. Taking the best for need 0 first would leave need 1 unmet; the optimum is 1.
    schools = schools_at([52, 52, 52, 52])
    needs = Needs(school=np.array([0, 1]), domain=np.array([0, 1]))
    supporters = Supporters(
        school=np.array([2, 3]), capacity=np.array([1, 1]), strength=np.array([[4.0, 4.0], [3.0, NAN]])
    )
    result = broker(schools, needs, supporters, weights=STRENGTH_ONLY)
    pairs = {(p.need, p.supporter) for p in result.proposals}
    assert pairs == {(0, 1), (1, 0)}  # need 0 → school 3 (cost 1), need 1 → school 2 (cost 0)
    assert result.cost == pytest.approx(1.0)
    assert result.gap == 0


def test_a_red_or_amber_school_is_never_proposed_even_when_it_is_the_strongest():
    schools = schools_at([52, 52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(
        school=np.array([1, 2]),
        capacity=np.array([1, 1]),
        strength=np.array([[6.0], [2.5]]),
        blocked=np.array([True, False]),
    )
    result = broker(schools, needs, supporters, weights=STRENGTH_ONLY)
    assert [p.supporter for p in result.proposals] == [1]


def test_a_school_without_a_reliable_strength_in_the_domain_is_never_proposed_for_it():
    schools = schools_at([52, 52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([1]))
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([5, 5]), strength=np.array([[5.0, NAN], [NAN, 2.1]])
    )
    result = broker(schools, needs, supporters, weights=STRENGTH_ONLY)
    assert [p.supporter for p in result.proposals] == [1]


def test_a_need_no_school_may_support_is_named_in_the_error():
    schools = schools_at([52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(school=np.array([1]), capacity=np.array([1]), strength=np.array([[NAN]]))
    with pytest.raises(Infeasible, match=r"no school that may support them.*school #0 \(reading\)"):
        broker(schools, needs, supporters, domain_names=["reading"])


def test_more_partners_wanted_than_capacity_is_an_error_giving_both_numbers():
    schools = schools_at([52, 52, 52, 52])
    needs = Needs(school=np.array([0, 1, 2]), domain=np.array([0, 0, 0]))
    supporters = Supporters(school=np.array([3]), capacity=np.array([2]), strength=np.array([[3.0]]))
    with pytest.raises(Infeasible, match="want 3 partners but the supporters can take only 2"):
        broker(schools, needs, supporters)


def test_a_group_of_needs_sharing_too_few_supporters_is_named_even_when_total_capacity_suffices():
    # Three reading needs; one reading supporter with room for one; a maths supporter with room for 5.
    schools = schools_at([52] * 5)
    needs = Needs(school=np.array([0, 1, 2]), domain=np.array([0, 0, 0]))
    supporters = Supporters(
        school=np.array([3, 4]), capacity=np.array([1, 5]), strength=np.array([[3.0, NAN], [NAN, 3.0]])
    )
    with pytest.raises(
        Infeasible,
        match=r"3 need\(s\) wanting 3 partners can only be supported by 1 school\(s\) with room for 1",
    ):
        broker(schools, needs, supporters)


def test_unmet_needs_are_reported_instead_when_allowed():
    schools = schools_at([52, 52, 52, 52])
    needs = Needs(school=np.array([0, 1, 2]), domain=np.array([0, 0, 0]))
    supporters = Supporters(school=np.array([3]), capacity=np.array([2]), strength=np.array([[3.0]]))
    result = broker(schools, needs, supporters, allow_unmet=True)
    assert result.unmet.sum() == 1
    assert len(result.proposals) == 2


def test_unmet_needs_are_told_apart_by_why_no_supporter_at_all_or_no_capacity_left():
    # Schools 0–2 need domain 0, school 3 needs domain 1. Only school 4 is strong in domain 0, with room
    # for 2: one of the three domain-0 needs is unmet for capacity. Nobody is strong in domain 1.
    schools = schools_at([52, 52, 52, 52, 52])
    needs = Needs(school=np.array([0, 1, 2, 3]), domain=np.array([0, 0, 0, 1]))
    supporters = Supporters(school=np.array([4]), capacity=np.array([2]), strength=np.array([[3.0, NAN]]))
    result = broker(schools, needs, supporters, allow_unmet=True)
    assert result.supporters_per_need.tolist() == [1, 1, 1, 0]
    assert result.unmet_reasons() == {"no_supporter": 1, "capacity": 1}


def test_a_supporter_with_no_capacity_supports_no_one():
    schools = schools_at([52, 52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([0, 1]), strength=np.array([[6.0], [2.5]])
    )
    result = broker(schools, needs, supporters, weights=STRENGTH_ONLY)
    assert [p.supporter for p in result.proposals] == [1]


def test_a_need_wanting_two_partners_gets_two_different_schools():
    schools = schools_at([52, 52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([0]), wants=np.array([2]))
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([3, 3]), strength=np.array([[3.0], [3.5]])
    )
    result = broker(schools, needs, supporters)
    assert sorted(p.supporter for p in result.proposals) == [0, 1]


def test_another_authority_is_preferred_by_its_weight_and_required_when_asked():
    schools = schools_at([52, 52, 52], authorities=[7, 7, 8])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    # School 1 (same authority) is a little stronger than school 2 (another authority).
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([1, 1]), strength=np.array([[3.5], [3.0]])
    )
    preferring = Weights(strength=1.0, context=0, travel=0, same_authority=1.0, existing_tie=0)
    assert broker(schools, needs, supporters, weights=preferring).proposals[0].supporter == 1
    indifferent = Weights(strength=1.0, context=0, travel=0, same_authority=0.0, existing_tie=0)
    assert broker(schools, needs, supporters, weights=indifferent).proposals[0].supporter == 0
    required = broker(schools, needs, supporters, weights=indifferent, require_other_authority=True)
    assert required.proposals[0].supporter == 1


def test_existing_partners_cost_more_so_a_new_tie_is_proposed_when_otherwise_equal():
    schools = schools_at([52, 52, 52])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([1, 1]), strength=np.array([[3.0], [3.0]])
    )
    weights = Weights(strength=1.0, context=0, travel=0, same_authority=0, existing_tie=2.0)
    result = broker(schools, needs, supporters, weights=weights, ties=[(0, 1)])
    assert result.proposals[0].supporter == 1


def test_the_nearer_of_two_equal_supporters_is_chosen_and_the_reason_gives_its_road_distance():
    # School 1 is 0.1 degree of latitude away (11.1 km, 14.5 km by road at detour 1.3); school 2 is 1 degree.
    schools = schools_at([52.0, 52.1, 53.0], authorities=[1, 2, 2], context=[[0.0], [0.5], [3.0]])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(
        school=np.array([1, 2]), capacity=np.array([1, 1]), strength=np.array([[3.0], [3.0]])
    )
    result = broker(schools, needs, supporters, domain_names=["reading progress"])
    (proposal,) = result.proposals
    assert proposal.supporter == 0
    assert proposal.km == pytest.approx(0.1 * KM_PER_DEGREE_LAT * 1.3, rel=1e-4)
    assert proposal.reasons == (
        "strong in reading progress",
        "14 km away",
        "similar intake",
        "another authority",
    )


def test_the_cost_of_a_pair_adds_the_weighted_parts_as_documented():
    schools = schools_at([52.0, 52.1], authorities=[4, 4], context=[[0.0, 0.0], [3.0, 4.0]])
    needs = Needs(school=np.array([0]), domain=np.array([0]))
    supporters = Supporters(school=np.array([1]), capacity=np.array([1]), strength=np.array([[2.5]]))
    weights = Weights(strength=1.0, context=0.5, travel=1.0, same_authority=1.0, existing_tie=2.0)
    travel = GreatCircle(detour=1.3, speed_kmh=40)
    cost = pair_costs(schools, needs, supporters, weights=weights, travel=travel, ties={(0, 1)})
    minutes = 0.1 * KM_PER_DEGREE_LAT * 1.3 / 40 * 60
    expected = 1.0 * (4 - 2.5) + 0.5 * 5.0 + 1.0 * minutes / 30 + 1.0 + 2.0
    assert cost[0, 0] / SCALE == pytest.approx(expected, abs=1e-3)


def random_case(n_needs: int, n_supporters: int, *, seed: int, domains: int = 3):
    rng = np.random.default_rng(seed)
    n = n_needs + n_supporters
    schools = Schools(
        latitude=52 + rng.normal(0, 0.5, n),
        longitude=-1 + rng.normal(0, 0.8, n),
        authority=rng.integers(0, 10, n),
        context=rng.normal(size=(n, 3)),
    )
    needs = Needs(school=np.arange(n_needs), domain=rng.integers(0, domains, n_needs))
    strength = np.where(
        rng.random((n_supporters, domains)) < 0.5, rng.uniform(2, 5, (n_supporters, domains)), NAN
    )
    supporters = Supporters(
        school=np.arange(n_needs, n), capacity=rng.integers(1, 4, n_supporters), strength=strength
    )
    return schools, needs, supporters


def full_lp_optimum(schools, needs, supporters, weights) -> float:
    """The transportation LP over every eligible pair, solved by HiGHS: the true optimum."""
    cost = pair_costs(schools, needs, supporters, weights=weights, travel=GreatCircle())
    rows, cols = np.nonzero(cost != NOT_ELIGIBLE)
    n_needs, n_sup = cost.shape
    n_pairs = len(rows)
    c = np.concatenate([cost[rows, cols] / SCALE, np.full(n_needs, weights.unmet)])
    # Each need: its pairs plus its unmet slack = 1. Each supporter: its pairs <= capacity.
    eq = coo_matrix(
        (
            np.ones(n_pairs + n_needs),
            (np.concatenate([rows, np.arange(n_needs)]), np.arange(n_pairs + n_needs)),
        ),
        shape=(n_needs, n_pairs + n_needs),
    )
    ub = coo_matrix((np.ones(n_pairs), (cols, np.arange(n_pairs))), shape=(n_sup, n_pairs + n_needs))
    solution = linprog(
        c, A_eq=eq, b_eq=np.ones(n_needs), A_ub=ub, b_ub=supporters.capacity, bounds=(0, 1), method="highs"
    )
    assert solution.status == 0
    return solution.fun


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pricing_proves_the_answer_optimal_over_all_pairs_not_only_the_candidates(seed):
    schools, needs, supporters = random_case(120, 80, seed=seed)
    weights = Weights()
    # One candidate per need at the start: most of the answer has to come from pricing.
    result = broker(
        schools, needs, supporters, weights=weights, candidates=1, add_per_round=1, allow_unmet=True
    )
    optimum = full_lp_optimum(schools, needs, supporters, weights)
    assert result.rounds > 1
    assert result.pairs_solved < result.pairs_eligible
    assert result.cost == pytest.approx(optimum, abs=1e-6)
    assert result.lower_bound <= optimum + 1e-6
    assert result.gap <= 0.001


def test_the_lower_bound_stays_below_the_optimum_even_when_pricing_is_cut_short():
    schools, needs, supporters = random_case(120, 80, seed=4)
    weights = Weights()
    result = broker(schools, needs, supporters, weights=weights, candidates=1, max_rounds=1, allow_unmet=True)
    optimum = full_lp_optimum(schools, needs, supporters, weights)
    assert result.lower_bound <= optimum + 1e-6 <= result.cost + 2e-6
    assert result.gap == pytest.approx((result.cost - result.lower_bound) / result.cost, abs=1e-9)


def test_capacities_are_never_exceeded_and_every_need_gets_what_it_wants():
    schools, needs, supporters = random_case(200, 150, seed=5)
    result = broker(schools, needs, supporters, allow_unmet=True)
    load = np.bincount([p.supporter for p in result.proposals], minlength=len(supporters.school))
    assert (load <= supporters.capacity).all()
    met = np.bincount([p.need for p in result.proposals], minlength=len(needs.school))
    assert (met + result.unmet == 1).all()


def spread_case(n_needs: int, n_supporters: int, *, seed: int, capacity: int = 1):
    """Schools in 12 towns over a country 600 km across, capacity short of the needs: the national
    shape, where most pairs are too far to matter once supporters are full."""
    rng = np.random.default_rng(seed)
    n = n_needs + n_supporters
    towns = np.column_stack([rng.uniform(50, 55.5, 12), rng.uniform(-4.5, 1.5, 12)])
    town = rng.integers(0, 12, n)
    schools = Schools(
        latitude=towns[town, 0] + rng.normal(0, 0.05, n),
        longitude=towns[town, 1] + rng.normal(0, 0.08, n),
        authority=rng.integers(0, 40, n),
        context=rng.normal(size=(n, 2)),
    )
    needs = Needs(school=np.arange(n_needs), domain=rng.integers(0, 2, n_needs))
    strength = np.where(rng.random((n_supporters, 2)) < 0.6, rng.uniform(2, 5, (n_supporters, 2)), NAN)
    supporters = Supporters(
        school=np.arange(n_needs, n), capacity=np.full(n_supporters, capacity), strength=strength
    )
    return schools, needs, supporters


class Table:
    """A journey-time source brokering knows nothing about (the great circle inside): no pair may be
    skipped in pricing, since no lower bound on its minutes is known."""

    def minutes(self, lat1, lon1, lat2, lon2):
        return GreatCircle().minutes(lat1, lon1, lat2, lon2)

    def minutes_pairs(self, lat1, lon1, lat2, lon2):
        return GreatCircle().minutes_pairs(lat1, lon1, lat2, lon2)

    def km_pairs(self, lat1, lon1, lat2, lon2):
        return GreatCircle().km_pairs(lat1, lon1, lat2, lon2)


@pytest.mark.parametrize("seed", [6, 7])
def test_pricing_skips_pairs_that_cannot_improve_and_still_finds_the_optimum_over_all_pairs(seed):
    schools, needs, supporters = spread_case(400, 300, seed=seed)
    weights = Weights()
    pruned = broker(
        schools, needs, supporters, weights=weights, allow_unmet=True, block_cells=5_000, cache_bytes=0
    )
    every_pair = broker(
        schools, needs, supporters, travel=Table(), allow_unmet=True, block_cells=5_000, cache_bytes=0
    )
    optimum = full_lp_optimum(schools, needs, supporters, weights)
    assert pruned.unmet.sum() > 0  # capacity is short, as in a national run
    for result in (pruned, every_pair):
        assert result.cost == pytest.approx(optimum, abs=1e-6)
        assert result.lower_bound == pytest.approx(optimum, abs=1e-6)
        assert result.gap == 0
    assert every_pair.stats["pairs_costed_millions"] >= every_pair.rounds * every_pair.pairs_eligible / 1e6
    assert pruned.stats["pairs_costed_millions"] < 0.75 * every_pair.stats["pairs_costed_millions"]


def test_memory_grows_with_the_block_not_with_needs_times_supporters():
    import tracemalloc

    schools, needs, supporters = spread_case(3000, 3000, seed=9, capacity=2)
    dense = 3000 * 3000 * 4  # the int32 cost matrix the engine used to hold (36 MB), and more besides
    tracemalloc.start()
    try:
        result = broker(
            schools,
            needs,
            supporters,
            allow_unmet=True,
            block_cells=50_000,
            cache_bytes=0,
            near_cache_bytes=0,
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.gap == 0
    assert peak < dense / 3, f"peak {peak / 2**20:.1f} MB"


def test_the_near_pairs_kept_between_local_rounds_stay_within_their_budget():
    schools, needs, supporters = spread_case(3000, 3000, seed=9, capacity=2)
    budget = 2 * 2**20
    result = broker(schools, needs, supporters, allow_unmet=True, block_cells=50_000, near_cache_bytes=budget)
    assert 0 < result.stats["near_cached_mb"] <= budget / 2**20
    assert result.gap == 0


@pytest.mark.parametrize(
    ("n_needs", "n_supporters", "seed", "capacity"), [(1500, 1200, 11, 1), (2000, 1000, 12, 2)]
)
def test_keeping_costs_between_rounds_gives_the_same_proposals_as_costing_every_round_afresh(
    n_needs, n_supporters, seed, capacity
):
    """The national run's speed comes from costing each near pair once (`near_cache_bytes`) and each
    block's bounds once; with both caches off every round costs its pairs afresh, as the engine did
    before. Same proposals (need, supporter, cost, reasons) in the same order, same cost, bound and rounds."""
    schools, needs, supporters = spread_case(n_needs, n_supporters, seed=seed, capacity=capacity)
    kept = broker(schools, needs, supporters, allow_unmet=True, block_cells=20_000)
    afresh = broker(
        schools, needs, supporters, allow_unmet=True, block_cells=20_000, cache_bytes=0, near_cache_bytes=0
    )
    assert kept.rounds == afresh.rounds > 3  # several local rounds, where the kept costs are used
    assert kept.stats["near_cached_mb"] > 0
    assert kept.stats["pairs_costed_millions"] < 0.5 * afresh.stats["pairs_costed_millions"]
    assert [(p.need, p.supporter, p.cost, p.reasons) for p in kept.proposals] == [
        (p.need, p.supporter, p.cost, p.reasons) for p in afresh.proposals
    ]
    assert (kept.cost, kept.lower_bound, kept.gap) == (afresh.cost, afresh.lower_bound, afresh.gap)
    assert (kept.unmet == afresh.unmet).all() and kept.unmet.sum() > 0
    assert kept.gap == 0


def test_eligible_counts_without_costing_match_the_costed_matrix():
    schools, needs, supporters = spread_case(200, 150, seed=10)
    blocked = np.zeros(150, dtype=bool)
    blocked[::7] = True
    supporters = Supporters(supporters.school, supporters.capacity, supporters.strength, blocked)
    # Some needing schools are supporters too (themselves never their own partner).
    needs = Needs(school=np.concatenate([needs.school, supporters.school[:30]]), domain=np.zeros(230, int))
    for other in (False, True):
        cost = pair_costs(
            schools, needs, supporters, weights=Weights(), travel=GreatCircle(), require_other_authority=other
        )
        result = broker(schools, needs, supporters, allow_unmet=True, require_other_authority=other)
        assert (result.supporters_per_need == (cost != NOT_ELIGIBLE).sum(axis=1)).all()


def test_a_school_without_coordinates_leaves_the_others_in_space_filling_order():
    """One missing coordinate once made the grid's extent NaN: every key 0 (and a RuntimeWarning)."""
    latitude = np.array([51.0, 51.001, np.nan, 55.0, 55.001])
    longitude = np.array([-1.0, -1.001, np.nan, -4.0, -4.001])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        key = _morton(latitude, longitude)
    assert key[2] == 0  # the first cell
    south, north = sorted(key[[0, 1]]), sorted(key[[3, 4]])
    assert south[1] < north[0] or north[1] < south[0]  # each town's schools together, the towns apart


@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_each_needs_most_improving_pairs_come_in_the_order_of_sorting_by_need_then_reduced_cost(seed, wide):
    """Pricing keeps each need's few most improving pairs with one sort of one integer key; the pairs
    and their order are those of the stable two-key sort it replaced (ties in row-major order)."""
    rng = np.random.default_rng(seed)
    rows = rng.permutation(1000)[:50]  # a block's needs, not in need order
    n_cols = 300
    r, c = np.nonzero(rng.random((50, n_cols)) < 0.2)  # row-major, as np.nonzero gives them
    values = -rng.integers(1, 40, len(r)) * (2**50 if wide else 1)  # few distinct values: many ties
    need = rows[r]
    order = np.lexsort((values, need))
    need_sorted = need[order]
    keep = np.arange(len(order)) - np.searchsorted(need_sorted, need_sorted) < 4
    expected = (r[order][keep], c[order][keep])
    got = _most_improving(rows, n_cols, r, c, values, 4)
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert len(got[0]) == 4 * len(np.unique(r))


def test_pricing_in_threads_gives_the_same_proposals_bound_and_rounds_as_in_one():
    """Pricing's blocks may run in threads (`threads`); their pairs are gathered in the plan's order, so
    the answer is that of one thread, and the kept pairs stay within their budget."""
    schools, needs, supporters = spread_case(1500, 1200, seed=11, capacity=1)
    budget = 2 * 2**20
    one, two = (
        broker(
            schools,
            needs,
            supporters,
            allow_unmet=True,
            block_cells=20_000,
            near_cache_bytes=budget,
            threads=threads,
        )
        for threads in (1, 2)
    )
    assert [(p.need, p.supporter, p.cost, p.reasons) for p in two.proposals] == [
        (p.need, p.supporter, p.cost, p.reasons) for p in one.proposals
    ]
    assert (two.cost, two.lower_bound, two.gap, two.rounds) == (
        one.cost,
        one.lower_bound,
        one.gap,
        one.rounds,
    )
    assert two.rounds > 3 and two.gap == 0
    assert 0 < two.stats["near_cached_mb"] <= budget / 2**20
