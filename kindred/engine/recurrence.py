"""Occurrences of a recurring event: RFC 5545 recurrence rules, expanded in the event's time zone.

What is computed, in order:

1. The rule (an RFC 5545 RRULE such as ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`` — every second
   Tuesday — or ``FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=1TU`` — the first Tuesday of each term) is
   checked by `rule_check`: it must parse, recur at most daily (an hourly rule would flood a
   calendar), and its UNTIL, if any, is read as a wall-clock time in the event's zone.
2. The rule is expanded on the *wall clock* of the event's time zone, from the first start's
   local time. A meeting at 16:00 in Europe/London stays at 16:00 when the clocks change; only
   its UTC instant moves. A local time that does not exist (the skipped hour in spring) is read
   as the instant the clock reaches it (PEP 495, fold=0).
3. Each occurrence is identified by its *original* start in UTC (RFC 5545's RECURRENCE-ID). A
   change to one occurrence (moved, or cancelled) is keyed by that identity, so moving an
   occurrence and later editing it again still finds it.
4. Only occurrences overlapping the window asked for are returned, at most `limit` of them,
   ordered by their (possibly moved) start.

Pure: standard library and python-dateutil only, no Django.
"""

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr, weekday

# The most occurrences one expansion returns: a calendar page never needs more.
DEFAULT_LIMIT = 2000
_UNTIL = re.compile(r"UNTIL=(\d{8})(T(\d{6})(Z?))?", re.IGNORECASE)


class RecurrenceError(ValueError):
    """A rule or time zone that cannot be used; the message says why, for the person who wrote it,
    and `code` names the reason for a page that says it in the reader's language."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Change:
    """What happened to one occurrence: cancelled, or moved to a new start and end."""

    cancelled: bool = False
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Occurrence:
    original_start: datetime  # UTC; the occurrence's identity (RECURRENCE-ID)
    start: datetime  # UTC, after any change
    end: datetime  # UTC, after any change
    changed: bool = False
    cancelled: bool = False


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RecurrenceError(f"Unknown time zone {name!r}.") from error


def _local_until(rule: str, tz: ZoneInfo) -> str:
    """The rule with UNTIL as a floating local time, so dateutil can pair it with a local start."""

    def local(match: re.Match) -> str:
        day, _t, clock, utc = match.groups()
        when = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
        if utc:
            when = when.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
        return "UNTIL=" + when.strftime("%Y%m%dT%H%M%S")

    return _UNTIL.sub(local, rule)


def _rule(rule: str, *, first_local: datetime, tz: ZoneInfo) -> rrule:
    return _parsed_rule(rule, first_local, tz)


@lru_cache(maxsize=4096)
def _parsed_rule(rule: str, first_local: datetime, tz: ZoneInfo) -> rrule:
    """Parsing is the slow part of expanding, and a calendar expands the same rules page after page."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        parsed = rrulestr(_local_until(text, tz), dtstart=first_local)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise RecurrenceError(f"Not a recurrence rule this calendar understands: {error}.") from error
    if not isinstance(parsed, rrule):
        raise RecurrenceError("Give one RRULE, without DTSTART or EXDATE lines.")
    # dateutil keeps a parsed rule's parts private (no public reader): hence the type: ignore.
    if parsed._freq > DAILY:  # type: ignore[attr-defined]  # dateutil orders YEARLY=0 … DAILY=3, HOURLY=4, …
        raise RecurrenceError("A rule may repeat at most once a day.")
    if set(_text_parts(text)) & {"BYHOUR", "BYMINUTE", "BYSECOND"}:
        raise RecurrenceError("A rule gives dates only: the time is the event's own start.")
    return parsed


def rule_check(rule: str, *, first_start: datetime, tz_name: str) -> None:
    """Raise RecurrenceError when `rule` cannot be used for an event starting at `first_start`."""
    tz = zone(tz_name)
    parsed = _rule(rule, first_local=first_start.astimezone(tz).replace(tzinfo=None), tz=tz)
    first = next(iter(parsed), None)
    if first is None:
        raise RecurrenceError("This rule gives no dates at all.")
    if first != first_start.astimezone(tz).replace(tzinfo=None):
        raise RecurrenceError(
            "The first date must itself follow the rule (calendar apps count it as one).", code="first_date"
        )


def _instants(parsed: rrule, tz: ZoneInfo, *, after_local: datetime) -> Iterator[datetime]:
    for local in parsed.xafter(after_local, inc=True):
        yield local.replace(tzinfo=tz).astimezone(UTC)


def expand(
    *,
    start: datetime,
    end: datetime,
    tz_name: str,
    rule: str = "",
    window_start: datetime,
    window_end: datetime,
    changes: Mapping[datetime, Change] | None = None,
    skipped: Collection[datetime] = (),
    limit: int = DEFAULT_LIMIT,
) -> list[Occurrence]:
    """The occurrences overlapping [window_start, window_end), cancelled ones included and marked.

    `start`/`end` are the first occurrence's aware start and end; `changes` maps an original
    start (UTC) to its Change. Original starts in `skipped` (school holidays: RFC 5545 EXDATEs the
    organiser did not choose one by one) are left out altogether. Without a rule the event has one
    occurrence.
    """
    changes = changes or {}
    duration = end - start
    tz = zone(tz_name)
    if rule:
        parsed = _rule(rule, first_local=start.astimezone(tz).replace(tzinfo=None), tz=tz)
        # An occurrence moved later may land in the window from before it: look back that far.
        later = max(
            (c.start - o for o, c in changes.items() if c.start and c.start > o), default=timedelta(0)
        )
        after = (window_start - duration - later - timedelta(days=1)).astimezone(tz).replace(tzinfo=None)
        originals: Iterator[datetime] = _instants(parsed, tz, after_local=after)
    else:
        originals = iter([start.astimezone(UTC)])
    found: list[Occurrence] = []
    for original in originals:
        if original >= window_end + _max_forward_move(changes):
            break
        if original in skipped:
            continue
        change = changes.get(original)
        occ_start = (change.start if change and change.start else original).astimezone(UTC)
        occ_end = (change.end if change and change.end else occ_start + duration).astimezone(UTC)
        if occ_end > window_start and occ_start < window_end:
            found.append(
                Occurrence(
                    original_start=original,
                    start=occ_start,
                    end=occ_end,
                    changed=bool(change and change.start),
                    cancelled=bool(change and change.cancelled),
                )
            )
            if len(found) >= limit:
                break
    found.sort(key=lambda o: (o.start, o.original_start))
    return found


def _max_forward_move(changes: Mapping[datetime, Change]) -> timedelta:
    """How far an occurrence was moved earlier at most: originals after the window may land in it."""
    moves = [o - c.start for o, c in changes.items() if c.start and c.start < o]
    return max(moves, default=timedelta(0))


def is_occurrence(*, start: datetime, tz_name: str, rule: str, original_start: datetime) -> bool:
    """Whether `original_start` is one of the rule's own occurrences (a change must name a real one)."""
    if not rule:
        return original_start == start
    tz = zone(tz_name)
    parsed = _rule(rule, first_local=start.astimezone(tz).replace(tzinfo=None), tz=tz)
    wanted = original_start.astimezone(UTC)
    local = wanted.astimezone(tz).replace(tzinfo=None)
    for instant in _instants(parsed, tz, after_local=local - timedelta(hours=2)):
        if instant == wanted:
            return True
        if instant > wanted:
            return False
    return False


def last_end(*, start: datetime, end: datetime, tz_name: str, rule: str) -> datetime | None:
    """When the series ends (None when it repeats for ever): used to index events by their span."""
    if not rule:
        return end
    tz = zone(tz_name)
    parsed = _rule(rule, first_local=start.astimezone(tz).replace(tzinfo=None), tz=tz)
    if parsed._count is None and parsed._until is None:  # type: ignore[attr-defined]  # (see _rule)
        return None
    last = None
    for last in parsed:  # noqa: B007 - the loop finds the last occurrence
        pass
    assert last is not None
    return last.replace(tzinfo=tz).astimezone(UTC) + (end - start)


def shifted(
    original_start: datetime, *, old_first: datetime, old_tz: str, new_first: datetime, new_tz: str
) -> datetime:
    """Where an occurrence lands when its series' first start moves from `old_first` to `new_first`
    (and maybe to another zone): by the same step on the wall clock, so "Tuesdays at 16:00" moved to
    17:00 takes each Tuesday's occurrence to 17:00 that Tuesday, whatever the clocks did between."""
    old, new = zone(old_tz), zone(new_tz)
    step = new_first.astimezone(new).replace(tzinfo=None) - old_first.astimezone(old).replace(tzinfo=None)
    local = original_start.astimezone(old).replace(tzinfo=None) + step
    return local.replace(tzinfo=new).astimezone(UTC)


def as_utc(day: date, tz_name: str) -> datetime:
    """Midnight starting `day` in the zone, as UTC (window edges for month views)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone(tz_name)).astimezone(UTC)


def rule_with_utc_until(rule: str, tz_name: str) -> str:
    """The rule as RFC 5545 wants it beside a DTSTART with a TZID: UNTIL in UTC ("…Z")."""
    tz = zone(tz_name)

    def utc(match: re.Match) -> str:
        day, _t, clock, is_utc = match.groups()
        when = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
        if not is_utc:
            when = when.replace(tzinfo=tz).astimezone(UTC)
        return "UNTIL=" + when.strftime("%Y%m%dT%H%M%SZ")

    text = rule.strip()
    return _UNTIL.sub(utc, text[6:] if text.upper().startswith("RRULE:") else text)


# ---------------------------------------------------------------------------------------------
# A rule's parts: built from a few choices (the event form's builder), and read back to be put in
# words (kindred.events.rules). dateutil builds and validates the rule; nothing here expands it.

FREQUENCIES: dict[str, Literal[0, 1, 2, 3]] = {
    "DAILY": DAILY,
    "WEEKLY": WEEKLY,
    "MONTHLY": MONTHLY,
    "YEARLY": YEARLY,
}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Monday = 0, as in datetime
# The parts `RuleParts` reads; a rule with others (BYSETPOS, BYWEEKNO, …) is kept but called custom.
KNOWN_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def rule_build(
    *,
    freq: str,
    first_local: datetime,
    interval: int = 1,
    weekdays: tuple[int, ...] = (),
    month_position: int | None = None,
    month_weekday: int | None = None,
    until: date | None = None,
    count: int | None = None,
) -> str:
    """An RRULE from the builder's choices, written by dateutil (DTSTART left out: the event has it).

    `weekdays` (0 = Monday) for a weekly rule; `month_position` (1-5, or -1 for the last) with
    `month_weekday` for "the second Tuesday of the month"; without them a monthly rule repeats on
    the first date's day of the month. `until` is a last date (inclusive), or `count` a number of dates.
    """
    if freq not in FREQUENCIES:
        raise RecurrenceError(f"Unknown frequency {freq!r}.")
    if not 1 <= interval <= 366:
        raise RecurrenceError("Repeat every 1 to 366 days, weeks or months.")
    if until is not None and count is not None:
        raise RecurrenceError("Give a last date or a number of dates, not both.")
    if count is not None and not 1 <= count <= 1000:
        raise RecurrenceError("A series has 1 to 1,000 dates.")
    byweekday: tuple[weekday, ...] | None = None
    if freq == "WEEKLY" and weekdays:
        byweekday = tuple(weekday(d) for d in sorted(set(weekdays)))
    if freq == "MONTHLY" and month_weekday is not None:
        if month_position not in (1, 2, 3, 4, 5, -1, -2):
            raise RecurrenceError("Choose which weekday of the month: first to fifth, or last.")
        byweekday = (weekday(month_weekday, month_position),)
    built = rrule(
        FREQUENCIES[freq],
        dtstart=first_local.replace(tzinfo=None),
        interval=interval,
        byweekday=byweekday,
        until=datetime.combine(until, datetime.max.time()).replace(microsecond=0) if until else None,
        count=count,
    )
    lines = [line for line in str(built).splitlines() if line.startswith("RRULE:")]
    text = lines[0][len("RRULE:") :]
    if until is not None:  # a last *date*: written as a date, read as the end of that day in the event's zone
        text = _UNTIL.sub("UNTIL=" + until.strftime("%Y%m%d"), text)
    return text


@dataclass(frozen=True)
class RuleParts:
    """What a rule says, with what the first date implies where the rule says nothing (a weekly rule
    without BYDAY repeats on the first date's weekday, RFC 5545 §3.3.10)."""

    freq: str
    interval: int
    weekdays: tuple[tuple[int, int], ...]  # (position in the month or year, 0 for every; weekday 0-6)
    monthdays: tuple[int, ...]  # 1-31, or -1 for the last day
    months: tuple[int, ...]  # 1-12
    count: int | None
    until: date | None  # the last date, on the event's wall clock
    other: tuple[str, ...]  # parts this reading does not put in words, as written ("BYSETPOS=-1", …)


def _text_parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return {
        k.strip().upper(): v.strip().upper() for k, _eq, v in (p.partition("=") for p in text.split(";") if p)
    }


def rule_parts(rule: str, *, first_start: datetime, tz_name: str) -> RuleParts:
    """The parts of a rule that parses (as `rule_check` parses it), read for putting it in words."""
    tz = zone(tz_name)
    first = first_start.astimezone(tz)
    _rule(rule, first_local=first.replace(tzinfo=None), tz=tz)  # refuses what cannot be used
    parts = _text_parts(rule)
    freq = parts["FREQ"]
    weekdays = []
    for item in filter(None, parts.get("BYDAY", "").split(",")):
        match = _BYDAY.match(item)
        if match is None:  # rule_check would have refused it
            raise RecurrenceError(f"Not a weekday: {item}.")
        weekdays.append((int(match.group(1) or 0), WEEKDAY_CODES.index(match.group(2))))
    monthdays = tuple(int(d) for d in filter(None, parts.get("BYMONTHDAY", "").split(",")))
    months = tuple(int(m) for m in filter(None, parts.get("BYMONTH", "").split(",")))
    if not weekdays and not monthdays:
        if freq == "WEEKLY":
            weekdays = [(0, first.weekday())]
        elif freq in ("MONTHLY", "YEARLY") and "BYWEEKNO" not in parts and "BYYEARDAY" not in parts:
            monthdays = (first.day,)
    if (
        freq == "YEARLY"
        and not months
        and not weekdays
        and "BYWEEKNO" not in parts
        and "BYYEARDAY" not in parts
    ):
        months = (first.month,)
    until = None
    if "UNTIL" in parts:
        found = _UNTIL.search("UNTIL=" + parts["UNTIL"])
        assert found is not None
        day, _t, clock, is_utc = found.groups()
        when = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
        until = (when.replace(tzinfo=UTC).astimezone(tz) if is_utc else when).date()
    return RuleParts(
        freq=freq,
        interval=int(parts.get("INTERVAL", "1")),
        weekdays=tuple(weekdays),
        monthdays=monthdays,
        months=months,
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
        until=until,
        other=tuple(f"{name}={parts[name]}" for name in sorted(set(parts) - KNOWN_PARTS)),
    )


def local_dates_of(occurrences: list[Occurrence], tz_name: str) -> list[date]:
    """The wall-clock date each occurrence starts on, in the event's zone."""
    tz = zone(tz_name)
    return [o.original_start.astimezone(tz).date() for o in occurrences]
