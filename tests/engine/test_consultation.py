"""Consultation arithmetic, checked by hand."""

import pytest

from kindred.engine.consultation import by_group, choices, scale, theme_counts


def test_choices_count_every_option_and_ignore_unknown_values():
    summary = choices(["Yes", "No", "Yes", "Maybe?"], ["Yes", "No", "Unsure"])
    assert summary.answered == 3
    assert summary.counts == {"Yes": 2, "No": 1, "Unsure": 0}
    assert summary.share("Yes") == pytest.approx(2 / 3)


def test_scale_distribution_and_mean():
    # 1, 3, 3, 5 on 1–5: mean 12/4 = 3; 7 is off the scale and dropped.
    summary = scale([1, 3, 3, 5, 7], top=5)
    assert summary.answered == 4
    assert summary.counts == (1, 0, 2, 0, 1)
    assert summary.mean == 3


def test_an_unanswered_question_has_no_mean_or_share():
    assert scale([], top=4).mean is None
    assert choices([], ["a"]).share("a") is None


def test_values_are_grouped_and_a_school_in_two_networks_counts_in_both():
    grouped = by_group([("North", 4), ("South", 2), ("North", 5), ("Network A", 4), ("Network B", 4)])
    assert grouped == {"Network A": [4], "Network B": [4], "North": [4, 5], "South": [2]}


def test_themes_count_distinct_answers_most_first():
    assert theme_counts([(1, "workload"), (2, "workload"), (2, "workload"), (3, "travel")]) == {
        "workload": 2,
        "travel": 1,
    }
