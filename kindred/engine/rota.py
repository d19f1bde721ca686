"""A fair rota: which member school hosts (or chairs) each meeting of a network.

The source documents describe networks whose schools "take turns" in hosting and in running
the network's business. A fair rota, as computed here, means, in order of priority:

1. **Nobody is asked on a date they cannot do.** A (school, date) pair the school has blocked
   is never chosen; if some date has no school left, the rota is refused with that date named
   (`RotaInfeasible`), rather than quietly breaking a promise.
2. **Turns are balanced over the years.** Each school starts from the number of turns it has
   already had (`past`: earlier years plus the turns already held this year). Giving school s
   its (j+1)-th new turn costs `past[s] + j`; the rota minimises the total cost with an
   optimal assignment (Hungarian method, `scipy.optimize.linear_sum_assignment`, on a matrix
   of dates × (school, j) slots). Because the cost of each extra turn rises, the optimum is the
   "water-filling" one: new turns go to the schools with the fewest turns so far, so that over
   the year and over the years every school's count differs from every other's by at most one
   whenever blocked dates allow it.
3. **Planned turns stay where they are.** When the members change, the rota is re-balanced,
   but among equally balanced rotas the one that keeps most of the previously planned turns
   (`keep`) wins: a bonus below one turn's cost per kept turn, whose total stays below one turn.
   Turns already held are not passed in at all, so they can never move.
4. **Turns go round in order.** Between rotas equal on all of the above, the one closest to
   plain round-robin (schools ordered by fewest past turns, then as given) wins, which spaces a
   school's turns across the year. This weight is smaller again than (3).

Chairing is the same computation with its own counts, with one more rule: a school does not
chair the meeting it hosts (when the network has more than one school).

Everything here is plain Python and numpy/scipy on ids and dates; Django loads and saves.
"""

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.optimize import linear_sum_assignment

FORBIDDEN = 1e9


class RotaInfeasible(ValueError):
    """No school can take one or more of the dates."""

    def __init__(self, dates: Sequence[date]):
        self.dates = list(dates)
        super().__init__("No school can take " + ", ".join(d.isoformat() for d in self.dates))


def fair_rota(
    dates: Sequence[date],
    schools: Sequence[Hashable],
    *,
    past: Mapping[Hashable, int] | None = None,
    blocked: Collection[tuple[Hashable, date]] = (),
    keep: Mapping[date, Hashable] | None = None,
) -> dict[date, Hashable]:
    """One school for each date (see the module docstring for what "fair" means).

    `past[s]`: turns school s has had already; `blocked`: (school, date) pairs that are not
    possible; `keep[d]`: the school planned for d before, kept when balance allows.
    """
    dates = sorted(set(dates))
    if not dates:
        return {}
    if not schools:
        raise RotaInfeasible(dates)
    if len(set(schools)) != len(schools):
        raise ValueError("Each school may appear once.")
    past = past or {}
    keep = keep or {}
    n, k = len(dates), len(schools)
    base = np.array([past.get(s, 0) for s in schools], dtype=float)
    # Round-robin order: fewest past turns first, then as given (a stable sort).
    order = np.argsort(base, kind="stable")
    position = np.empty(k, dtype=int)
    position[order] = np.arange(k)

    keep_bonus = 0.5 / n
    round_robin_step = 0.4 / (n * n * k)
    date_index = np.arange(n)[:, None]
    # Costs per (date, school): forbidden pairs, kept turns, distance from round-robin.
    per_school = ((position[None, :] - date_index) % k) * round_robin_step
    school_index = {s: i for i, s in enumerate(schools)}
    date_row = {d: i for i, d in enumerate(dates)}
    for s, d in blocked:
        if s in school_index and d in date_row:
            per_school[date_row[d], school_index[s]] = FORBIDDEN
    for d, s in keep.items():
        if s in school_index and d in date_row and per_school[date_row[d], school_index[s]] < FORBIDDEN:
            per_school[date_row[d], school_index[s]] -= keep_bonus
    # Slots: school i's (j+1)-th new turn costs base[i] + j; columns ordered school-major.
    slot_cost = (base[:, None] + np.arange(n)[None, :]).reshape(-1)
    cost = np.repeat(per_school, n, axis=1) + slot_cost[None, :]
    rows, columns = linear_sum_assignment(cost)
    pairs = list(zip(rows.tolist(), columns.tolist(), strict=True))
    impossible = [dates[r] for r, c in pairs if cost[r, c] >= FORBIDDEN / 2]
    if impossible:
        raise RotaInfeasible(impossible)
    return {dates[r]: schools[c // n] for r, c in pairs}


@dataclass(frozen=True)
class Rota:
    host: dict[date, Hashable]
    chair: dict[date, Hashable]


def host_and_chair(
    dates: Sequence[date],
    schools: Sequence[Hashable],
    *,
    past_host: Mapping[Hashable, int] | None = None,
    past_chair: Mapping[Hashable, int] | None = None,
    blocked: Collection[tuple[Hashable, date]] = (),
    keep_host: Mapping[date, Hashable] | None = None,
    keep_chair: Mapping[date, Hashable] | None = None,
) -> Rota:
    """A host and a chair for each date; the host does not also chair when another school can."""
    host = fair_rota(dates, schools, past=past_host, blocked=blocked, keep=keep_host)
    chair_blocked = set(blocked)
    if len(schools) > 1:
        chair_blocked |= {(s, d) for d, s in host.items()}
    chair = fair_rota(dates, schools, past=past_chair, blocked=chair_blocked, keep=keep_chair)
    return Rota(host=host, chair=chair)


def spread_dates(first: date, last: date, count: int, *, weekday: int | None = None) -> list[date]:
    """`count` meeting dates spread evenly from `first` to `last` (inclusive), each moved forward
    to the next `weekday` (0 = Monday) when one is given, never past `last`."""
    if count < 1:
        return []
    if last < first:
        raise ValueError("The last date comes before the first.")
    span = (last - first).days
    steps = np.linspace(0, span, count) if count > 1 else np.array([0.0])
    result: list[date] = []
    for step in steps:
        day = first + timedelta(days=round(float(step)))
        if weekday is not None:
            day += timedelta(days=(weekday - day.weekday()) % 7)
            if day > last:
                day -= timedelta(days=7)
        if day not in result and day >= first:
            result.append(day)
    return result
