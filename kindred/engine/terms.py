"""School terms and holidays: which days a school is open, and which dates of a series fall out of term.

A country (or one of its authorities) publishes its school year as *terms* (periods of teaching,
"Autumn term 1: 1 September – 23 October") and *holidays* (periods or single days without
teaching inside or between them: half-terms, Christmas, a bank holiday). A day is **out of term**
when it is inside a holiday, or when it falls between the first and the last day of the terms
known and inside none of them (the gap between two terms is a holiday even if the file does not
name it). Outside the span of the terms known nothing is said: a day is only out of term when the
calendar knows it is.

Pure: standard library only, no Django.
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Period:
    first: date
    last: date  # inclusive

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"A period cannot end ({self.last}) before it starts ({self.first}).")


class SchoolCalendar:
    """Terms and holidays of one country or authority, asked day by day (a few dozen periods a year)."""

    def __init__(self, *, terms: Iterable[Period], holidays: Iterable[Period]) -> None:
        self.terms = sorted(terms)
        self.holidays = sorted(holidays)
        self._term_firsts = [p.first for p in self.terms]
        self._holiday_firsts = [p.first for p in self.holidays]
        self.known_until = max([p.last for p in self.terms + self.holidays], default=None)

    @staticmethod
    def _inside(day: date, periods: Sequence[Period], firsts: list[date]) -> bool:
        # Periods may overlap (a bank holiday inside a half-term): any that starts by `day` may hold it.
        return any(p.last >= day for p in periods[: bisect_right(firsts, day)])

    def out_of_term(self, day: date) -> bool:
        if self._inside(day, self.holidays, self._holiday_firsts):
            return True
        if not self.terms or day < self.terms[0].first or day > max(p.last for p in self.terms):
            return False
        return not self._inside(day, self.terms, self._term_firsts)

    def next_term_day(self, day: date, *, weekday: int | None = None, horizon_days: int = 400) -> date:
        """The first day from `day` (on `weekday`, 0 = Monday, if given) that is not out of term."""
        for step in range(horizon_days):
            candidate = day + timedelta(days=step)
            if (weekday is None or candidate.weekday() == weekday) and not self.out_of_term(candidate):
                return candidate
        return day
