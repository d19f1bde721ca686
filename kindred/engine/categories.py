"""Support categories: green, yellow, amber, red — imported where published, otherwise derived.

The derived category is a summary of a school's relative performance (see performance.py), not a
judgement of the school. It reads, for each measure, the shrunk estimate and its 95% interval:

* a **need** is a measure whose whole interval is on the bad side of zero;
* a **serious need** is a need whose whole interval is more than `serious_gap` between-school SDs
  (sqrt(tau^2) of that measure) below expectation: reliably well below, not just below;
* a **strength** is a measure whose whole interval is on the good side of zero.

Then, in order (the first that applies):

* **red**: at least `red_serious_needs` (2) serious needs;
* **amber**: a serious need, or at least `amber_needs` (2) needs and more needs than strengths;
* **yellow**: at least one need;
* **green**: no reliable need;
* no category (code -1) when the school has no measure with a result.

Everything is counted over the evidence given: pass one estimate per measure (the latest year, or
the years pooled with `pool_years`), never several years of one measure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np

from kindred.engine.performance import Evidence, one_per_measure

UNKNOWN = -1


class Category(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    AMBER = "amber"
    RED = "red"

    @property
    def code(self) -> int:
        """0 green … 3 red: the order of need for support."""
        return CATEGORIES.index(self)


CATEGORIES: tuple[Category, ...] = (Category.GREEN, Category.YELLOW, Category.AMBER, Category.RED)


class CategorySource(IntEnum):
    NONE = 0
    DERIVED = 1
    IMPORTED = 2


# Spellings accepted from an authority's file, lower-cased and stripped.
_SPELLINGS: dict[str, Category] = {
    **{c.value: c for c in CATEGORIES},
    "g": Category.GREEN,
    "y": Category.YELLOW,
    "a": Category.AMBER,
    "r": Category.RED,
    "1": Category.GREEN,
    "2": Category.YELLOW,
    "3": Category.AMBER,
    "4": Category.RED,
}


@dataclass(frozen=True)
class CategoryRule:
    """The thresholds of the derivation rule (see the module docstring)."""

    serious_gap: float = 0.5
    red_serious_needs: int = 2
    amber_needs: int = 2


@dataclass(frozen=True)
class DerivedCategories:
    """Per school: the derived category code (-1 none) and the counts it was derived from."""

    code: np.ndarray  # int8: 0 green, 1 yellow, 2 amber, 3 red, -1 no evidence
    measures: np.ndarray  # measures with a result
    strengths: np.ndarray
    needs: np.ndarray
    serious_needs: np.ndarray
    rule: CategoryRule

    def labels(self) -> np.ndarray:
        """Category names ("" where there is no category)."""
        return category_labels(self.code)


def derive_categories(
    evidence: Sequence[Evidence], *, n_schools: int, rule: CategoryRule | None = None
) -> DerivedCategories:
    """Derived support category of every school from one estimate per measure (see the module docstring)."""
    rule = rule or CategoryRule()
    measures = np.zeros(n_schools, dtype=np.int64)
    strengths = np.zeros(n_schools, dtype=np.int64)
    needs = np.zeros(n_schools, dtype=np.int64)
    serious = np.zeros(n_schools, dtype=np.int64)
    for item in one_per_measure(evidence, n_schools=n_schools):
        index = item.school_index
        valid = item.valid
        gap = rule.serious_gap * np.sqrt(item.tau2) if np.isfinite(item.tau2) else np.inf
        with np.errstate(invalid="ignore"):
            is_strength = valid & (item.better_lower > 0)
            is_need = valid & (item.better_upper < 0)
            is_serious = is_need & (item.better_upper < -gap)
        np.add.at(measures, index[valid], 1)
        np.add.at(strengths, index[is_strength], 1)
        np.add.at(needs, index[is_need], 1)
        np.add.at(serious, index[is_serious], 1)
    code = np.full(n_schools, UNKNOWN, dtype=np.int8)
    code[measures > 0] = Category.GREEN.code
    code[(measures > 0) & (needs >= 1)] = Category.YELLOW.code
    amber = (serious >= 1) | ((needs >= rule.amber_needs) & (needs > strengths))
    code[(measures > 0) & amber] = Category.AMBER.code
    code[(measures > 0) & (serious >= rule.red_serious_needs)] = Category.RED.code
    return DerivedCategories(
        code=code, measures=measures, strengths=strengths, needs=needs, serious_needs=serious, rule=rule
    )


def parse_categories(labels: Sequence[str | None]) -> np.ndarray:
    """Category codes from an authority's published labels; blank or None means not published (-1).

    Accepts green/yellow/amber/red in any case, their initials, and 1-4 (1 green … 4 red). Every
    unrecognised label is reported in one ValueError, with its position, and nothing is returned.
    """
    codes = np.full(len(labels), UNKNOWN, dtype=np.int8)
    problems = []
    for position, label in enumerate(labels):
        text = "" if label is None else str(label).strip().lower()
        if not text:
            continue
        category = _SPELLINGS.get(text)
        if category is None:
            problems.append(
                f"row {position + 1}: {label!r} is not a support category (green, yellow, amber, red)"
            )
        else:
            codes[position] = category.code
    if problems:
        raise ValueError("; ".join(problems))
    return codes


def combine_categories(*, derived: np.ndarray, imported: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The category to show for each school and where it came from: an imported one wins over a derived one.

    Returns (code, source) with source a CategorySource value per school.
    """
    derived = np.asarray(derived, dtype=np.int8)
    imported = np.asarray(imported, dtype=np.int8)
    if derived.shape != imported.shape:
        raise ValueError(
            f"derived and imported must have the same shape, got {derived.shape} and {imported.shape}"
        )
    for name, codes in (("derived", derived), ("imported", imported)):
        if np.any((codes < UNKNOWN) | (codes > Category.RED.code)):
            raise ValueError(f"{name} holds codes outside -1..3")
    has_imported = imported != UNKNOWN
    code = np.where(has_imported, imported, derived).astype(np.int8)
    source = np.where(
        has_imported,
        CategorySource.IMPORTED,
        np.where(derived != UNKNOWN, CategorySource.DERIVED, CategorySource.NONE),
    ).astype(np.int8)
    return code, source


def category_labels(code: np.ndarray) -> np.ndarray:
    """Category names for codes ("" for -1)."""
    names = np.array(["", *(c.value for c in CATEGORIES)])
    return names[np.asarray(code, dtype=np.int64) + 1]
