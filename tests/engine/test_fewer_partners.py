"""Preferring one partner covering several needs (issue 21, item 3): a cost for each extra partner."""

import numpy as np
import pytest

from kindred.engine.brokering import (
    NOT_ELIGIBLE,
    Needs,
    Schools,
    Supporters,
    Weights,
    broker,
    pair_costs,
    partners_per_school,
)
from kindred.engine.fewer_partners import extra_partners, fewer_partners
from kindred.engine.travel import GreatCircle

NAN = np.nan


def five_needs_town():
    """School 0 (red) has five needs, one per domain. Schools 1–5 each are strong in one domain, a
    few km away; school 6 is strong in all five, a little further. School 7 has one need (domain 0)."""
    lat = np.array([52.00, 52.01, 52.00, 51.99, 52.00, 52.015, 52.05, 52.10])
    lon = np.array([-1.00, -1.00, -0.99, -1.00, -1.01, -1.005, -1.00, -1.00])
    schools = Schools(latitude=lat, longitude=lon, authority=np.arange(8), context=np.zeros((8, 0)))
    needs = Needs(school=np.array([0, 0, 0, 0, 0, 7]), domain=np.array([0, 1, 2, 3, 4, 0]))
    strength = np.full((6, 5), NAN)
    for d in range(5):
        strength[d, d] = 3.0  # the specialists
    strength[5, :] = 3.0  # the all-rounder
    supporters = Supporters(
        school=np.array([1, 2, 3, 4, 5, 6]), capacity=np.array([1, 1, 1, 1, 1, 6]), strength=strength
    )
    return schools, needs, supporters


def test_a_red_school_with_five_needs_gets_fewer_partners_with_the_same_needs_covered():
    schools, needs, supporters = five_needs_town()
    plain = broker(schools, needs, supporters)
    assert partners_per_school(plain.proposals, needs, supporters)[0] == 5  # one specialist per need
    fewer = fewer_partners(plain, schools, needs, supporters)
    # The all-rounder covers all five (four extra partners cost more than its longer journeys).
    assert partners_per_school(fewer.proposals, needs, supporters)[0] == 1
    assert extra_partners(fewer, needs, supporters) < extra_partners(plain, needs, supporters)
    covered = lambda r: sorted(p.need for p in r.proposals)  # noqa: E731
    assert covered(fewer) == covered(plain) == [0, 1, 2, 3, 4, 5]
    assert fewer.unmet.sum() == plain.unmet.sum() == 0


def test_the_answer_is_the_best_by_brute_force_over_every_assignment_of_the_five_needs():
    """Every way to give school 0's five needs a supporter (capacities kept, school 7's partner as the
    flow chose it) costed with the charge: none is cheaper than the programme's answer."""
    import itertools

    schools, needs, supporters = five_needs_town()
    plain = broker(schools, needs, supporters)
    fewer = fewer_partners(plain, schools, needs, supporters, partner_cost=2.0)
    cost = pair_costs(schools, needs, supporters, weights=Weights(), travel=GreatCircle())
    seven = next(p.supporter for p in plain.proposals if p.need == 5)
    best = np.inf
    for choice in itertools.product(range(6), repeat=5):
        used = np.bincount([*choice, seven], minlength=6)
        if (used > supporters.capacity).any() or any(
            cost[i, j] == NOT_ELIGIBLE for i, j in enumerate(choice)
        ):
            continue
        total = sum(cost[i, j] for i, j in enumerate(choice)) + cost[5, seven] + 2000 * (len(set(choice)) - 1)
        best = min(best, total)
    assert round(fewer.cost * 1000) == best
    assert fewer.gap >= 0 and fewer.lower_bound == plain.lower_bound


def test_with_no_school_of_several_needs_nothing_changes():
    schools, _needs, supporters = five_needs_town()
    one_each = Needs(school=np.array([0, 7]), domain=np.array([0, 0]))
    plain = broker(schools, one_each, supporters)
    assert fewer_partners(plain, schools, one_each, supporters) is plain


def test_a_charge_of_nothing_keeps_the_plain_cost():
    schools, needs, supporters = five_needs_town()
    plain = broker(schools, needs, supporters)
    free = fewer_partners(plain, schools, needs, supporters, partner_cost=0.0)
    assert abs(free.cost - plain.cost) < 1e-9


def towns(count: int, *, seed: int, far: float = 3.0):
    """`count` towns `far` degrees apart, each with 6 needing schools (one to four needs in 4 domains)
    and 8 supporters strong in one to four domains (the first three in all four), capacity 2 to 4:
    enough for a town's needs, so the flow keeps each town to itself, and a school's three nearest
    supporters covering two of its needs are its own town's all-rounders."""
    rng = np.random.default_rng(seed)
    lat, lon, need_school, need_domain, sup_school, capacity, strength = [], [], [], [], [], [], []
    for town in range(count):
        for school in range(14):
            index = len(lat)
            lat.append(50.0 + far * town + rng.uniform(0, 0.1))
            lon.append(-1.0 + rng.uniform(0, 0.1))
            if school < 6:
                for domain in rng.choice(4, size=rng.integers(1, 5), replace=False):
                    need_school.append(index)
                    need_domain.append(int(domain))
            else:
                sup_school.append(index)
                capacity.append(int(rng.integers(2, 5)))
                row = np.full(4, NAN)
                strong_in = rng.choice(4, size=4 if school < 9 else rng.integers(1, 5), replace=False)
                row[strong_in] = rng.uniform(1.5, 4.0, size=len(strong_in))
                strength.append(row)
    n = len(lat)
    schools = Schools(
        latitude=np.array(lat), longitude=np.array(lon), authority=np.arange(n) % 3, context=np.zeros((n, 0))
    )
    needs = Needs(school=np.array(need_school), domain=np.array(need_domain))
    supporters = Supporters(
        school=np.array(sup_school), capacity=np.array(capacity), strength=np.array(strength)
    )
    return schools, needs, supporters


def within_capacity(result, supporters) -> bool:
    used = np.bincount([p.supporter for p in result.proposals], minlength=len(supporters.school))
    return bool((used <= supporters.capacity).all())


@pytest.mark.parametrize("seed", [1, 2])
def test_solved_in_pieces_of_whole_towns_the_answer_costs_what_the_whole_programme_costs(seed):
    schools, needs, supporters = towns(3, seed=seed)
    plain = broker(schools, needs, supporters, allow_unmet=True)
    near = {"nearby": 3}  # the town's all-rounders: 12 would reach into the next town
    whole = fewer_partners(plain, schools, needs, supporters, piece_pairs=None, flow_rounds=0, **near)
    largest = fewer_partners(plain, schools, needs, supporters, **near).stats["milp_largest_component_pairs"]
    pieces = fewer_partners(plain, schools, needs, supporters, piece_pairs=largest, **near)
    assert whole.stats["milp_pieces"] == 1 and whole.stats["exact"]
    assert pieces.stats["milp_components"] >= 3, "the towns are apart: each is its own component at least"
    assert pieces.stats["milp_pieces"] >= 2 and pieces.stats["exact"]
    assert abs(pieces.cost - whole.cost) < 1e-9
    assert within_capacity(pieces, supporters)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_town_cut_into_chunks_is_never_dearer_than_the_flow_and_keeps_every_need_met(seed):
    schools, needs, supporters = towns(1, seed=seed)
    plain = broker(schools, needs, supporters, allow_unmet=True)
    with_charges = plain.cost + extra_partners(plain, needs, supporters) * 2.0
    chunks = fewer_partners(plain, schools, needs, supporters, piece_pairs=16, flow_rounds=0)
    whole = fewer_partners(plain, schools, needs, supporters, piece_pairs=None, flow_rounds=0)
    assert not chunks.stats["exact"] and chunks.stats["milp_pieces"] > 1
    assert whole.cost - 1e-9 <= chunks.cost <= with_charges + 1e-9
    assert chunks.unmet.sum() <= plain.unmet.sum()
    assert within_capacity(chunks, supporters)


def test_the_flow_with_spread_charges_alone_is_never_dearer_than_the_plain_answer():
    schools, needs, supporters = towns(3, seed=4)
    plain = broker(schools, needs, supporters, allow_unmet=True)
    with_charges = plain.cost + extra_partners(plain, needs, supporters) * 2.0
    flow_only = fewer_partners(plain, schools, needs, supporters, flow_rounds=4, time_limit=0.0)
    assert flow_only.stats["milp_pieces_solved"] == 0
    assert flow_only.cost <= with_charges + 1e-9
    assert within_capacity(flow_only, supporters)
    assert flow_only.unmet.sum() <= plain.unmet.sum()
