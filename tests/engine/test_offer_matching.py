import numpy as np
import pytest

from kindred.engine.offer_matching import distances_km, pairing_costs, rank

NAN = float("nan")


def test_a_stronger_nearer_more_similar_school_ranks_first():
    ranked = rank(
        strength_z=[0.5, 2.5, 2.5],
        distance_km=[5, 150, 10],
        context_distance=[0.5, 0.5, 0.5],
        offered=[False] * 3,
    )
    # Costs: 2*(-0.5/3)+5/200+0.125 = -0.183; 2*(-2.5/3)+150/200+0.125 = -0.792; -1.667+0.05+0.125 = -1.492.
    assert [r.index for r in ranked] == [2, 1, 0]


def test_an_offer_in_the_domain_beats_the_same_school_without_one():
    costs = pairing_costs(
        strength_z=np.array([1.0, 1.0]),
        distance_km=np.array([20.0, 20.0]),
        context_distance=np.array([1.0, 1.0]),
        offered=np.array([True, False]),
    )
    assert costs[0] == pytest.approx(costs[1] - 0.5)


def test_unknown_terms_count_as_neutral_and_are_reported_as_unknown():
    ranked = rank(strength_z=[NAN], distance_km=[NAN], context_distance=[NAN], offered=[False])
    assert ranked[0].strength_z is None and ranked[0].distance_km is None
    assert ranked[0].cost == pytest.approx(100 / 200 + 2 / 4)


def test_haversine_london_to_cardiff_is_about_210_km():
    assert distances_km(51.5074, -0.1278, np.array([51.4816]), np.array([-3.1791]))[0] == pytest.approx(
        211, abs=3
    )
