"""Which days are out of term, checked against a school calendar worked out by hand."""

from datetime import date

import pytest

from kindred.engine.terms import Period, SchoolCalendar

# Autumn term 2 ends Friday 18 December 2026; spring term 1 starts Monday 4 January 2027. The
# Christmas holidays are not named: the gap between the terms is a holiday all the same. A
# training day (INSET) is a holiday inside the spring term.
CALENDAR = SchoolCalendar(
    terms=[Period(date(2026, 11, 2), date(2026, 12, 18)), Period(date(2027, 1, 4), date(2027, 2, 12))],
    holidays=[Period(date(2027, 1, 4), date(2027, 1, 4))],
)


@pytest.mark.parametrize(
    ("day", "out"),
    [
        (date(2026, 12, 18), False),  # the last day of term
        (date(2026, 12, 22), True),  # between the terms
        (date(2026, 12, 25), True),
        (date(2026, 12, 29), True),
        (date(2027, 1, 4), True),  # a training day inside the term
        (date(2027, 1, 5), False),
        (date(2026, 6, 1), False),  # before any term known: nothing is said
        (date(2027, 6, 1), False),  # after the terms known: nothing is said
    ],
)
def test_a_day_is_out_of_term_between_terms_or_in_a_holiday(day, out):
    assert CALENDAR.out_of_term(day) is out


def test_the_next_day_in_term_on_a_weekday_skips_the_christmas_holidays():
    # From Monday 21 December 2026, the next Tuesday in term is 5 January 2027 (not 22 or 29 December).
    assert CALENDAR.next_term_day(date(2026, 12, 21), weekday=1) == date(2027, 1, 5)
    assert CALENDAR.next_term_day(date(2026, 12, 14), weekday=1) == date(2026, 12, 15)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2027, 1, 5), date(2027, 1, 4))


def test_without_terms_no_day_is_out_of_term():
    assert SchoolCalendar(terms=[], holidays=[]).out_of_term(date(2026, 12, 25)) is False
