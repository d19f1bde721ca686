"""The recurrence expansion, checked against dates worked out by hand from a wall calendar."""

from datetime import UTC, datetime, timedelta

import pytest

from kindred.engine.recurrence import Change, RecurrenceError, expand, is_occurrence, last_end, rule_check

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
