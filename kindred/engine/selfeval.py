"""Self-evaluation arithmetic: the spread of ratings, self against peer, heatmaps, strengths and needs.

A framework rates each *standard* on a scale 1 … `scale_max` (4 by default: 1 is the weakest
level, `scale_max` the strongest). Everything here works on plain numbers so that it can be checked
by hand:

1. **Spread** of one standard's ratings by several people (a school's staff): how many rated, the
   mean, the lowest and highest, the population standard deviation, and how many chose each level.
   The spread shows where a school agrees with itself and where it does not.
2. **Self against peer**: for each standard, the peer reviewers' mean minus the school's own
   rating. A positive difference means the peers saw more than the school claimed; a difference
   of at least `notable` (1 level) is flagged for the conversation the review is for.
3. **Domain scores**: the mean of a school's ratings over the standards of a domain (only the
   standards it rated; a domain with none has no score).
4. **Strengths and needs** from self-evaluation: a domain whose score is at least `strength_at`
   (3.5 on a 1–4 scale: most standards at the top level) is a strength; one at most `need_at`
   (2.0: most standards at the lower two levels) is a need. On another scale both thresholds
   are moved in proportion (`thresholds`).
5. **Heatmap**: schools × domains of domain scores, with each column's shared need — a domain is
   a shared need of a group when at least half of the schools that rated it have it as a need —
   and each need's internal experts: the other schools of the group with that domain as a
   strength.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import sqrt

STRENGTH_AT = 3.5
NEED_AT = 2.0
NOTABLE_DIFFERENCE = 1.0


@dataclass(frozen=True)
class Spread:
    count: int
    mean: float | None
    lowest: int | None
    highest: int | None
    sd: float | None
    counts: tuple[int, ...]  # counts[i] people chose level i + 1

    @property
    def disagreement(self) -> bool:
        """True when the raters are two or more levels apart."""
        if self.highest is None or self.lowest is None:
            return False
        return self.highest - self.lowest >= 2


def spread(levels: Iterable[int], *, scale_max: int = 4) -> Spread:
    """The spread of several people's ratings of one standard (levels 1 … scale_max)."""
    levels = list(levels)
    for level in levels:
        if not 1 <= level <= scale_max:
            raise ValueError(f"Rating {level} is outside the scale 1–{scale_max}.")
    counts = tuple(sum(1 for level in levels if level == value) for value in range(1, scale_max + 1))
    if not levels:
        return Spread(0, None, None, None, None, counts)
    mean = sum(levels) / len(levels)
    sd = sqrt(sum((level - mean) ** 2 for level in levels) / len(levels))
    return Spread(len(levels), mean, min(levels), max(levels), sd, counts)


@dataclass(frozen=True)
class Difference:
    standard: str
    own: int | None
    peer_mean: float | None
    difference: float | None  # peer mean minus own rating
    notable: bool


def self_peer_differences(
    own: Mapping[str, int], peers: Mapping[str, Sequence[int]], *, notable: float = NOTABLE_DIFFERENCE
) -> list[Difference]:
    """For each standard rated by the school or its peers: peer mean − own rating, sorted by standard."""
    result = []
    for standard in sorted(set(own) | set(peers)):
        peer_levels = list(peers.get(standard, ()))
        peer_mean = sum(peer_levels) / len(peer_levels) if peer_levels else None
        own_level = own.get(standard)
        difference = None if own_level is None or peer_mean is None else peer_mean - own_level
        result.append(
            Difference(
                standard=standard,
                own=own_level,
                peer_mean=peer_mean,
                difference=difference,
                notable=difference is not None and abs(difference) >= notable,
            )
        )
    return result


def domain_scores(ratings: Mapping[str, int], standard_domain: Mapping[str, str]) -> dict[str, float]:
    """Mean rating per domain over the standards rated; standards not in `standard_domain` are ignored."""
    totals: dict[str, list[int]] = {}
    for standard, level in ratings.items():
        domain = standard_domain.get(standard)
        if domain is not None:
            totals.setdefault(domain, []).append(level)
    return {domain: sum(levels) / len(levels) for domain, levels in totals.items()}


def thresholds(scale_max: int) -> tuple[float, float]:
    """(need_at, strength_at) on a scale 1 … scale_max, in proportion to the 1–4 defaults."""
    if scale_max < 2:
        raise ValueError("A scale needs at least two levels.")

    def moved(value: float) -> float:
        return 1 + (value - 1) * (scale_max - 1) / 3

    return moved(NEED_AT), moved(STRENGTH_AT)


def verdict(score: float | None, *, scale_max: int = 4) -> str | None:
    """'strength', 'need' or None for a domain score."""
    if score is None:
        return None
    need_at, strength_at = thresholds(scale_max)
    if score >= strength_at:
        return "strength"
    if score <= need_at:
        return "need"
    return None


@dataclass
class Heatmap:
    schools: list[str]
    domains: list[str]
    scores: dict[tuple[str, str], float]  # (school, domain) → score; missing when not rated
    verdicts: dict[tuple[str, str], str] = field(default_factory=dict)
    shared_needs: list[str] = field(default_factory=list)
    experts: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (school, domain) → helpers


def heatmap(
    scores: Mapping[str, Mapping[str, float]], domains: Sequence[str], *, scale_max: int = 4
) -> Heatmap:
    """Schools × domains with verdicts, the group's shared needs and, for every need, its internal experts."""
    schools = list(scores)
    cells = {
        (school, domain): scores[school][domain]
        for school in schools
        for domain in domains
        if scores[school].get(domain) is not None
    }
    verdicts = {}
    for key, score in cells.items():
        found = verdict(score, scale_max=scale_max)
        if found:
            verdicts[key] = found
    shared = []
    experts: dict[tuple[str, str], list[str]] = {}
    for domain in domains:
        rated = [school for school in schools if (school, domain) in cells]
        needing = [school for school in rated if verdicts.get((school, domain)) == "need"]
        strong = [school for school in rated if verdicts.get((school, domain)) == "strength"]
        if rated and needing and 2 * len(needing) >= len(rated):
            shared.append(domain)
        for school in needing:
            experts[(school, domain)] = [other for other in strong if other != school]
    return Heatmap(schools, list(domains), cells, verdicts, shared, experts)
