"""Cost per unit of gain (engine/value.py), against cases worked by hand."""

import numpy as np
import pytest

from kindred.engine.value import GIVEN, INCLUDES_ZERO, NO_COST, TOO_FEW, WORSE, cost_per_gain


def test_a_gain_whose_interval_is_above_zero_gives_the_cost_per_point_with_its_interval():
    # 1,200 per school for +2 points (1 to 4): 600 per point, between 300 and 1,200
    found = cost_per_gain(1200.0, 2.0, 1.0, 4.0)
    assert (found.outcome, found.value, found.lower, found.upper) == (GIVEN, 600.0, 300.0, 1200.0)


def test_where_lower_is_better_a_fall_is_the_gain():
    # absence down by 0.5 points (−0.8 to −0.2): a gain of 0.5 (0.2 to 0.8)
    found = cost_per_gain(100.0, -0.5, -0.8, -0.2, higher_is_better=False)
    assert found.outcome == GIVEN
    assert (found.value, found.lower, found.upper) == pytest.approx((200.0, 125.0, 500.0))
    assert cost_per_gain(100.0, 0.5, 0.2, 0.8, higher_is_better=False).outcome == WORSE


def test_no_number_when_the_interval_includes_zero_the_schools_did_worse_too_few_or_nothing_was_spent():
    assert cost_per_gain(1000.0, 0.3, -0.1, 0.7).value is None
    assert cost_per_gain(1000.0, 0.3, -0.1, 0.7).outcome == INCLUDES_ZERO
    assert cost_per_gain(1000.0, -0.3, -0.7, -0.1).outcome == WORSE
    assert cost_per_gain(1000.0, None, None, None).outcome == TOO_FEW
    assert cost_per_gain(0.0, 2.0, 1.0, 3.0).outcome == NO_COST


def test_the_interval_covers_the_true_cost_per_gain_as_often_as_the_effects_interval_covers_the_effect():
    """Simulated effects with a known truth: cost ÷ gain's interval covers cost ÷ true gain exactly when the
    effect's interval covers the true effect (and it is above zero), so the coverage carries over."""
    rng = np.random.default_rng(5)
    truth, se, cost = 2.0, 0.5, 900.0
    covered_effect = covered_cost = 0
    for _ in range(4000):
        effect = truth + se * rng.standard_normal()
        lower, upper = effect - 1.96 * se, effect + 1.96 * se
        covered_effect += lower <= truth <= upper
        found = cost_per_gain(cost, effect, lower, upper)
        covered_cost += found.outcome == GIVEN and found.lower <= cost / truth <= found.upper
    assert covered_cost == pytest.approx(covered_effect, abs=8)  # only intervals reaching below zero differ
    assert 0.94 <= covered_cost / 4000 <= 0.96
