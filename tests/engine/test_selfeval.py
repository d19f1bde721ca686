"""Self-evaluation arithmetic, checked against cases worked by hand."""

import pytest

from kindred.engine.selfeval import (
    domain_scores,
    heatmap,
    self_peer_differences,
    spread,
    thresholds,
    verdict,
)


def test_spread_of_four_ratings_worked_by_hand():
    # 1, 2, 2, 4: mean 9/4 = 2.25; deviations -1.25, -.25, -.25, 1.75; squares 1.5625+.0625+.0625+3.0625 = 4.75
    result = spread([1, 2, 2, 4])
    assert result.count == 4
    assert result.mean == pytest.approx(2.25)
    assert result.sd == pytest.approx((4.75 / 4) ** 0.5)
    assert (result.lowest, result.highest) == (1, 4)
    assert result.counts == (1, 2, 0, 1)
    assert result.disagreement


def test_spread_of_nobody_has_no_mean():
    result = spread([])
    assert result.count == 0 and result.mean is None and result.counts == (0, 0, 0, 0)
    assert not result.disagreement


def test_raters_one_level_apart_do_not_disagree():
    assert not spread([3, 4, 4]).disagreement


def test_a_rating_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="outside the scale"):
        spread([5])


def test_peer_mean_minus_own_rating_flags_differences_of_a_level_or_more():
    own = {"s1": 3, "s2": 2, "s3": 4}
    peers = {"s1": [3, 4], "s2": [4, 3], "s4": [2]}
    found = {d.standard: d for d in self_peer_differences(own, peers)}
    assert found["s1"].difference == pytest.approx(0.5) and not found["s1"].notable
    assert found["s2"].difference == pytest.approx(1.5) and found["s2"].notable
    assert found["s3"].peer_mean is None and found["s3"].difference is None
    assert found["s4"].own is None and found["s4"].peer_mean == 2


def test_domain_score_is_the_mean_of_its_rated_standards():
    scores = domain_scores({"a1": 4, "a2": 3, "b1": 1, "x": 2}, {"a1": "A", "a2": "A", "b1": "B"})
    assert scores == {"A": 3.5, "B": 1.0}


def test_thresholds_move_in_proportion_on_another_scale():
    assert thresholds(4) == (2.0, 3.5)
    # On 1–7: need at 1 + 1*6/3 = 3, strength at 1 + 2.5*6/3 = 6.
    assert thresholds(7) == (3.0, 6.0)
    assert verdict(6.0, scale_max=7) == "strength"
    assert verdict(3.0, scale_max=7) == "need"
    assert verdict(4.5, scale_max=7) is None
    assert verdict(None) is None


def test_heatmap_finds_shared_needs_and_internal_experts():
    scores = {
        "North": {"reading": 1.5, "maths": 3.5},
        "South": {"reading": 2.0, "maths": 2.5},
        "East": {"reading": 3.75, "maths": 1.0},
        "West": {"maths": 4.0},
    }
    result = heatmap(scores, ["reading", "maths", "science"])
    # reading: rated by 3, needs in North and South (2 of 3) → shared; maths: 1 need of 4 → not shared.
    assert result.shared_needs == ["reading"]
    assert result.experts[("North", "reading")] == ["East"]
    assert result.experts[("East", "maths")] == ["North", "West"]
    assert ("West", "reading") not in result.scores
    assert ("South", "maths") not in result.verdicts
