"""Aggregating a consultation's answers: counts per choice, the distribution and mean of a scale,
and the same broken down by group (region, network), with free-text themes counted.

Answers are plain tuples (group, value), so the arithmetic can be checked by hand. No answer is
ever returned with its author: only counts and means leave this module.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChoiceSummary:
    answered: int
    counts: dict[str, int]  # every choice, in the question's order, zero included

    def share(self, choice: str) -> float | None:
        return self.counts[choice] / self.answered if self.answered else None


@dataclass(frozen=True)
class ScaleSummary:
    answered: int
    counts: tuple[int, ...]  # counts[i]: how many chose i + 1
    mean: float | None


def choices(values: Iterable[str], options: Sequence[str]) -> ChoiceSummary:
    counted = Counter(v for v in values if v in options)
    return ChoiceSummary(sum(counted.values()), {option: counted.get(option, 0) for option in options})


def scale(values: Iterable[int], *, top: int) -> ScaleSummary:
    kept = [v for v in values if 1 <= v <= top]
    counts = tuple(kept.count(level) for level in range(1, top + 1))
    return ScaleSummary(len(kept), counts, sum(kept) / len(kept) if kept else None)


def by_group(pairs: Iterable[tuple[str, object]]) -> dict[str, list]:
    """(group, value) pairs → group → values; a value may belong to several groups (one pair each)."""
    grouped: dict[str, list] = defaultdict(list)
    for group, value in pairs:
        grouped[group].append(value)
    return dict(sorted(grouped.items()))


def theme_counts(tags: Iterable[tuple[int, str]]) -> dict[str, int]:
    """(answer id, theme) tags → theme → number of distinct answers tagged with it, most first."""
    answers: dict[str, set[int]] = defaultdict(set)
    for answer, theme in tags:
        answers[theme].add(answer)
    return dict(sorted(((t, len(a)) for t, a in answers.items()), key=lambda item: (-item[1], item[0])))
