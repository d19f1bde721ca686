"""A survey's Likert arithmetic, checked by hand, and its intervals' coverage on planted truth."""

import numpy as np
import pytest

from kindred.engine.survey import change, likert, response_rate


def test_the_mean_and_its_interval_worked_by_hand():
    # 2, 3, 4, 5, 5: mean 19/5 = 3.8; squared deviations 3.24 + 0.64 + 0.04 + 1.44 + 1.44 = 6.8,
    # s² = 6.8/4 = 1.7, s = 1.30384; t(0.975, 4) = 2.776445; half = 2.776445 · 1.303840/√5 = 1.618932.
    summary = likert([2, 3, 4, 5, 5], top=5, minimum=5)
    assert summary is not None
    assert summary.n == 5 and summary.mean == pytest.approx(3.8)
    assert summary.lower == pytest.approx(3.8 - 1.618932, abs=1e-5)
    assert summary.upper == pytest.approx(3.8 + 1.618932, abs=1e-5)


def test_the_change_from_before_to_after_worked_by_hand():
    # before: 2, 3, 4, 5, 5 (mean 3.8, s² 1.7, n 5); after: 4, 4, 5, 5, 5, 5 (mean 14/3, s² 4/15, n 6).
    # v1 = 1.7/5 = 0.34, v2 = (4/15)/6 = 0.044444; se = √0.384444 = 0.620036;
    # Welch df = 0.384444² / (0.34²/4 + 0.044444²/5) = 0.147798/0.029295 = 5.04520;
    # t(0.975, 5.0451) = 2.56367; half = 2.56367 · 0.620036 = 1.58957.
    found = change(likert([2, 3, 4, 5, 5], top=5, minimum=5), likert([4, 4, 5, 5, 5, 5], top=5, minimum=5))
    assert found is not None
    assert found.difference == pytest.approx(14 / 3 - 3.8)
    assert found.df == pytest.approx(5.0452, abs=1e-3)
    assert found.lower == pytest.approx(14 / 3 - 3.8 - 1.58957, abs=1e-4)
    assert found.upper == pytest.approx(14 / 3 - 3.8 + 1.58957, abs=1e-4)


def test_fewer_answers_than_the_minimum_show_nothing_and_so_no_change():
    assert likert([4, 5, 3, 4], top=5, minimum=5) is None
    assert likert([], top=5, minimum=3) is None
    shown = likert([1, 2, 3, 4, 5], top=5, minimum=5)
    assert change(None, shown) is None and change(shown, None) is None


def test_answers_off_the_scale_are_not_counted():
    summary = likert([1, 2, 3, 9, 0], top=5, minimum=3)
    assert summary is not None and summary.n == 3 and summary.mean == pytest.approx(2.0)
    assert likert([1, 2, 9, 0], top=5, minimum=3) is None


def test_everyone_giving_the_same_answer_has_an_interval_of_no_width():
    same = likert([4, 4, 4], top=5, minimum=3)
    assert same is not None and (same.lower, same.upper) == (4.0, 4.0)
    found = change(same, likert([5, 5, 5], top=5, minimum=3))
    assert found is not None and (found.difference, found.lower, found.upper) == (1.0, 1.0, 1.0)


def test_response_rate():
    assert response_rate(3, 12) == pytest.approx(0.25)
    assert response_rate(0, 0) is None


def _draw(rng, probabilities, n):
    return list(rng.choice(np.arange(1, 6), size=n, p=probabilities))


def test_intervals_cover_the_planted_mean_and_change_about_95_times_in_100():
    """Teachers' ratings drawn from known distributions (skewed, as Likert answers are), 12 before and
    15 after: over 1,000 replications the mean's interval covers the true mean, and the change's
    covers the true change, between 92% and 98% of the time."""
    rng = np.random.default_rng(25)
    before = np.array([0.10, 0.25, 0.35, 0.20, 0.10])
    after = np.array([0.05, 0.10, 0.30, 0.35, 0.20])
    levels = np.arange(1, 6)
    true_before, true_after = float(levels @ before), float(levels @ after)
    covered_mean = covered_change = 0
    replications = 1000
    for _ in range(replications):
        pre = likert(_draw(rng, before, 12), top=5, minimum=5)
        post = likert(_draw(rng, after, 15), top=5, minimum=5)
        assert pre is not None and post is not None and pre.lower is not None and pre.upper is not None
        covered_mean += pre.lower <= true_before <= pre.upper
        found = change(pre, post)
        assert found is not None
        covered_change += found.lower <= true_after - true_before <= found.upper
    assert 0.92 <= covered_mean / replications <= 0.98
    assert 0.92 <= covered_change / replications <= 0.98
