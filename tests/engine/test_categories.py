"""Support categories: the derivation rule, worked by hand, and imported labels."""

import numpy as np
import pytest

from kindred.engine.categories import (
    Category,
    CategorySource,
    category_labels,
    combine_categories,
    derive_categories,
    parse_categories,
)

from .helpers import evidence

# With posterior SD 1 an interval is the estimate +- 1.96. With tau^2 = 1 a serious need has its
# whole interval more than 0.5 below zero, i.e. an estimate below -2.46.
CLEAR = 3.0  # reliable, and beyond the serious gap
MILD = 2.2  # reliable, but its interval reaches within 0.5 of zero


def test_the_rule_worked_by_hand_for_each_category():
    # schools: 0 no needs, 1 one mild need, 2 two mild needs, 3 one serious need, 4 two serious needs,
    # 5 two mild needs but three strengths, 6 no result at all
    reading = evidence("reading", [CLEAR, -MILD, -MILD, -CLEAR, -CLEAR, -MILD, np.nan])
    maths = evidence("maths", [0.0, 0.0, -MILD, 0.0, -CLEAR, -MILD, np.nan])
    writing = evidence("writing", [0.0, 0.0, 0.0, 0.0, 0.0, CLEAR, np.nan])
    absence = evidence("absence", [0.0, 0.0, 0.0, 0.0, 0.0, -CLEAR, np.nan], higher_is_better=False)
    science = evidence("science", [0.0, 0.0, 0.0, 0.0, 0.0, CLEAR, np.nan])
    derived = derive_categories([reading, maths, writing, absence, science], n_schools=7)
    assert derived.labels().tolist() == ["green", "yellow", "amber", "amber", "red", "yellow", ""]
    assert derived.needs.tolist() == [0, 1, 2, 1, 2, 2, 0]
    assert derived.strengths.tolist() == [1, 0, 0, 0, 0, 3, 0]
    assert derived.serious_needs.tolist() == [0, 0, 0, 1, 2, 0, 0]


def test_low_absence_counts_as_a_strength_not_a_need():
    absence = evidence("absence", [-CLEAR], higher_is_better=False)
    derived = derive_categories([absence], n_schools=1)
    assert derived.strengths.tolist() == [1]
    assert derived.labels().tolist() == ["green"]


def test_two_years_of_one_measure_are_refused():
    with pytest.raises(ValueError, match="more than once"):
        derive_categories([evidence("reading", [0.0]), evidence("reading", [0.0])], n_schools=1)


def test_imported_labels_are_read_in_any_usual_spelling():
    codes = parse_categories(["Green", " AMBER ", "r", "2", "", None])
    assert category_labels(codes).tolist() == ["green", "amber", "red", "yellow", "", ""]


def test_every_unrecognised_imported_label_is_reported_at_once():
    with pytest.raises(ValueError, match=r"row 2: 'purple'.*row 4: 'blue'"):
        parse_categories(["green", "purple", "red", "blue"])


def test_an_imported_category_wins_over_a_derived_one_and_says_so():
    derived = np.array([Category.GREEN.code, Category.RED.code, -1, -1], dtype=np.int8)
    imported = np.array([-1, Category.AMBER.code, Category.YELLOW.code, -1], dtype=np.int8)
    code, source = combine_categories(derived=derived, imported=imported)
    assert category_labels(code).tolist() == ["green", "amber", "yellow", ""]
    assert source.tolist() == [
        CategorySource.DERIVED,
        CategorySource.IMPORTED,
        CategorySource.IMPORTED,
        CategorySource.NONE,
    ]
