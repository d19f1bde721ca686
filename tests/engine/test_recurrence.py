"""The recurrence expansion, checked against dates worked out by hand from a wall calendar."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kindred.engine.recurrence import (
    Change,
    RecurrenceError,
    expand,
    is_occurrence,
    last_end,
    rule_build,
    rule_check,
    rule_parts,
)

LONDON = "Europe/London"
# Tuesday 8 September 2026, 16:00 in London (BST, so 15:00 UTC).
FIRST = datetime(2026, 9, 8, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _starts(occurrences):
    return [o.start for o in occurrences]


def test_every_second_tuesday_stays_at_four_oclock_local_when_the_clocks_go_back():
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=5",
        window_start=datetime(2026, 1, 1, tzinfo=UTC),
        window_end=datetime(2027, 1, 1, tzinfo=UTC),
    )
    # 8 Sep, 22 Sep, 6 Oct, 20 Oct (BST: 15:00 UTC), then 3 Nov (GMT after 25 Oct: 16:00 UTC).
    assert _starts(found) == [
        datetime(2026, 9, 8, 15, tzinfo=UTC),
        datetime(2026, 9, 22, 15, tzinfo=UTC),
        datetime(2026, 10, 6, 15, tzinfo=UTC),
        datetime(2026, 10, 20, 15, tzinfo=UTC),
        datetime(2026, 11, 3, 16, tzinfo=UTC),
    ]


def test_termly_rule_gives_the_first_tuesday_of_each_term():
    first = datetime(2026, 9, 1, 15, tzinfo=UTC)  # the first Tuesday of September 2026
    found = expand(
        start=first,
        end=first + HOUR,
        tz_name=LONDON,
        rule="FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=1TU;COUNT=3",
        window_start=datetime(2026, 1, 1, tzinfo=UTC),
        window_end=datetime(2028, 1, 1, tzinfo=UTC),
    )
    assert [o.start.date().isoformat() for o in found] == ["2026-09-01", "2027-01-05", "2027-04-06"]


def test_a_first_date_that_does_not_follow_its_own_rule_is_refused():
    # 8 September 2026 is the second Tuesday; calendar apps would count it as an extra date.
    with pytest.raises(RecurrenceError, match="first date"):
        rule_check("FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=1TU", first_start=FIRST, tz_name=LONDON)


def test_a_cancelled_occurrence_is_marked_and_a_moved_one_lands_at_its_new_time():
    second = datetime(2026, 9, 15, 15, tzinfo=UTC)
    third = datetime(2026, 9, 22, 15, tzinfo=UTC)
    moved_to = datetime(2026, 9, 24, 9, tzinfo=UTC)
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        rule="FREQ=WEEKLY;COUNT=3",
        window_start=datetime(2026, 9, 1, tzinfo=UTC),
        window_end=datetime(2026, 10, 1, tzinfo=UTC),
        changes={second: Change(cancelled=True), third: Change(start=moved_to, end=moved_to + 2 * HOUR)},
    )
    assert [(o.original_start, o.start, o.cancelled, o.changed) for o in found] == [
        (FIRST, FIRST, False, False),
        (second, second, True, False),
        (third, moved_to, False, True),
    ]
    assert found[2].end - found[2].start == 2 * HOUR


def test_an_occurrence_moved_into_the_window_from_outside_it_is_found():
    last = datetime(2026, 9, 22, 15, tzinfo=UTC)
    moved_to = datetime(2026, 10, 5, 15, tzinfo=UTC)
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        rule="FREQ=WEEKLY;COUNT=3",
        window_start=datetime(2026, 10, 1, tzinfo=UTC),
        window_end=datetime(2026, 11, 1, tzinfo=UTC),
        changes={last: Change(start=moved_to, end=moved_to + HOUR)},
    )
    assert _starts(found) == [moved_to]


def test_only_occurrences_in_the_window_are_returned_from_an_endless_rule():
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        rule="FREQ=WEEKLY",
        window_start=datetime(2030, 3, 1, tzinfo=UTC),
        window_end=datetime(2030, 4, 1, tzinfo=UTC),
    )
    # The Tuesdays of March 2030: 5, 12, 19 and 26.
    assert [o.start.day for o in found] == [5, 12, 19, 26]


def test_a_single_event_has_one_occurrence():
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        window_start=datetime(2026, 9, 1, tzinfo=UTC),
        window_end=datetime(2026, 10, 1, tzinfo=UTC),
    )
    assert _starts(found) == [FIRST]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=MINUTELY;COUNT=3",
        "not a rule",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=DAILY;UNTIL=20200101",
    ],
)
def test_unusable_rules_are_refused_with_a_reason(rule):
    with pytest.raises(RecurrenceError):
        rule_check(rule, first_start=FIRST, tz_name=LONDON)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(RecurrenceError, match="time zone"):
        rule_check("FREQ=WEEKLY", first_start=FIRST, tz_name="Mars/Olympus")


def test_a_utc_until_is_read_as_the_same_instant():
    # UNTIL 20 Oct 15:00 UTC is 16:00 London: the 20 Oct occurrence is included, 3 Nov is not.
    end = last_end(
        start=FIRST, end=FIRST + HOUR, tz_name=LONDON, rule="FREQ=WEEKLY;INTERVAL=2;UNTIL=20261020T150000Z"
    )
    assert end == datetime(2026, 10, 20, 16, tzinfo=UTC)
    assert last_end(start=FIRST, end=FIRST + HOUR, tz_name=LONDON, rule="FREQ=WEEKLY") is None


def test_is_occurrence_knows_the_rules_own_dates():
    assert is_occurrence(
        start=FIRST, tz_name=LONDON, rule="FREQ=WEEKLY;COUNT=3", original_start=FIRST + timedelta(days=7)
    )
    assert not is_occurrence(
        start=FIRST, tz_name=LONDON, rule="FREQ=WEEKLY;COUNT=3", original_start=FIRST + timedelta(days=8)
    )
    assert not is_occurrence(
        start=FIRST, tz_name=LONDON, rule="FREQ=WEEKLY;COUNT=3", original_start=FIRST + timedelta(days=21)
    )


def test_a_series_moved_an_hour_later_moves_each_date_an_hour_on_the_wall_clock_across_the_clock_change():
    from kindred.engine.recurrence import shifted

    # 16:00 → 17:00 London from 8 September (BST); 3 November is in GMT: 16:00 GMT → 17:00 GMT.
    moved = dict(old_first=FIRST, old_tz=LONDON, new_first=FIRST + HOUR, new_tz=LONDON)
    assert shifted(datetime(2026, 11, 3, 16, tzinfo=UTC), **moved) == datetime(2026, 11, 3, 17, tzinfo=UTC)
    assert shifted(FIRST, **moved) == FIRST + HOUR
    # The same wall-clock time in another zone: 16:00 London (15:00 UTC) → 16:00 Cairo (13:00 UTC, EEST).
    cairo = dict(
        old_first=FIRST, old_tz=LONDON, new_first=datetime(2026, 9, 8, 13, tzinfo=UTC), new_tz="Africa/Cairo"
    )
    assert shifted(datetime(2026, 9, 22, 15, tzinfo=UTC), **cairo) == datetime(2026, 9, 22, 13, tzinfo=UTC)


# The repeat builder: rules written by dateutil from the form's choices, checked by their dates.


def _local_days(rule: str, first: datetime, *, until: datetime) -> list[str]:
    found = expand(
        start=first, end=first + HOUR, tz_name=LONDON, rule=rule, window_start=first, window_end=until
    )
    return [o.start.astimezone(ZoneInfo(LONDON)).strftime("%a %d %b %Y %H:%M") for o in found]


def test_the_second_tuesday_of_each_month_six_times():
    first = datetime(2027, 1, 12, 16, tzinfo=UTC)  # Tuesday 12 January 2027, 16:00 GMT
    rule = rule_build(freq="MONTHLY", first_local=first, month_position=2, month_weekday=1, count=6)
    assert rule == "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU"
    rule_check(rule, first_start=first, tz_name=LONDON)
    assert _local_days(rule, first, until=datetime(2028, 1, 1, tzinfo=UTC)) == [
        "Tue 12 Jan 2027 16:00",
        "Tue 09 Feb 2027 16:00",
        "Tue 09 Mar 2027 16:00",
        "Tue 13 Apr 2027 16:00",  # after the clocks changed: still 16:00 on the wall clock
        "Tue 11 May 2027 16:00",
        "Tue 08 Jun 2027 16:00",
    ]


def test_the_last_friday_of_the_month_until_a_date_includes_that_date():
    first = datetime(2027, 1, 29, 15, tzinfo=UTC)  # Friday 29 January 2027
    rule = rule_build(
        freq="MONTHLY", first_local=first, month_position=-1, month_weekday=4, until=date(2027, 4, 30)
    )
    assert rule == "FREQ=MONTHLY;UNTIL=20270430;BYDAY=-1FR"
    assert _local_days(rule, first, until=datetime(2028, 1, 1, tzinfo=UTC)) == [
        "Fri 29 Jan 2027 15:00",
        "Fri 26 Feb 2027 15:00",
        "Fri 26 Mar 2027 15:00",
        "Fri 30 Apr 2027 15:00",
    ]


def test_every_second_week_on_two_days_and_every_three_days():
    first = datetime(2027, 1, 12, 16, tzinfo=UTC)  # a Tuesday
    weekly = rule_build(freq="WEEKLY", first_local=first, interval=2, weekdays=(3, 1), count=4)
    assert weekly == "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,TH"
    assert _local_days(weekly, first, until=datetime(2028, 1, 1, tzinfo=UTC)) == [
        "Tue 12 Jan 2027 16:00",
        "Thu 14 Jan 2027 16:00",
        "Tue 26 Jan 2027 16:00",
        "Thu 28 Jan 2027 16:00",
    ]
    daily = rule_build(freq="DAILY", first_local=first, interval=3, count=3)
    assert _local_days(daily, first, until=datetime(2028, 1, 1, tzinfo=UTC)) == [
        "Tue 12 Jan 2027 16:00",
        "Fri 15 Jan 2027 16:00",
        "Mon 18 Jan 2027 16:00",
    ]


def test_the_builder_refuses_both_an_end_date_and_a_count():
    with pytest.raises(RecurrenceError, match="not both"):
        rule_build(freq="WEEKLY", first_local=FIRST, until=date(2027, 1, 1), count=3)


def test_a_rule_with_times_of_day_is_refused():
    with pytest.raises(RecurrenceError, match="dates only"):
        rule_check("FREQ=DAILY;BYHOUR=9,15", first_start=FIRST, tz_name=LONDON)


def test_a_weekly_rule_without_days_is_read_as_the_first_dates_weekday():
    parts = rule_parts("FREQ=WEEKLY;INTERVAL=2;UNTIL=20261231", first_start=FIRST, tz_name=LONDON)
    assert parts.weekdays == ((0, 1),)  # every Tuesday: FIRST is a Tuesday
    assert parts.until == date(2026, 12, 31) and parts.interval == 2 and parts.other == ()
    custom = rule_parts(
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1", first_start=FIRST + 3 * 7 * 24 * HOUR, tz_name=LONDON
    )
    assert custom.other == ("BYSETPOS=-1",)


def test_skipped_dates_are_left_out_of_the_expansion():
    rule = "FREQ=WEEKLY;COUNT=3"
    skipped = {FIRST + 7 * 24 * HOUR}
    found = expand(
        start=FIRST,
        end=FIRST + HOUR,
        tz_name=LONDON,
        rule=rule,
        window_start=FIRST,
        window_end=FIRST + 60 * 24 * HOUR,
        skipped=skipped,
    )
    assert _starts(found) == [FIRST, FIRST + 14 * 24 * HOUR]
