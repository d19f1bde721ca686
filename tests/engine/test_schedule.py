"""The schedule language of the SCHEDULE_* settings and when each schedule runs next."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kindred.engine.schedule import ScheduleError, schedule_parse

LONDON = ZoneInfo("Europe/London")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_a_daily_schedule_runs_later_today_or_else_tomorrow():
    daily = schedule_parse("07:00")
    assert daily.next_after(at("2026-12-06 06:59")) == at("2026-12-06 07:00")
    assert daily.next_after(at("2026-12-06 07:00")) == at("2026-12-07 07:00")  # strictly after
    assert daily.next_after(at("2026-12-31 23:00")) == at("2027-01-01 07:00")


def test_an_hourly_schedule_runs_at_its_minute_of_the_next_hour_due():
    hourly = schedule_parse(":05")
    assert hourly.hourly
    assert hourly.next_after(at("2026-12-06 10:04:59")) == at("2026-12-06 10:05")
    assert hourly.next_after(at("2026-12-06 10:05")) == at("2026-12-06 11:05")
    assert hourly.next_after(at("2026-12-06 23:30")) == at("2026-12-07 00:05")


def test_off_never_runs_and_every_schedule_reads_back_as_written():
    assert schedule_parse("off").next_after(at("2026-12-06 10:00")) is None
    assert schedule_parse(" OFF ").off
    for text in ["00:00", "23:59", ":00", ":59", "off"]:
        assert str(schedule_parse(text)) == text


@pytest.mark.parametrize("text", ["24:00", "7:00", "07:60", "daily", ":5", "07:00:00", "hourly"])
def test_a_schedule_that_is_not_one_is_refused_saying_what_is_allowed(text):
    with pytest.raises(ScheduleError, match=r"HH:MM .* :MM .* off"):
        schedule_parse(text)
