"""A repeat rule in words, in the reader's language: "Every 2 weeks on Tuesday and Thursday, 6 times".

Generated from the rule's parts (`engine.recurrence.rule_parts`) with translatable strings, each
with its parameters, when the page is drawn: nothing in English is stored. Weekday and month names
are Django's own translations. A part that has no words here (BYSETPOS, BYWEEKNO, BYYEARDAY) is
named as it is written, after the words for the rest.
"""

from datetime import datetime

from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from kindred.engine import recurrence


def _join(items: list[str]) -> str:
    """A list in words: "Tuesday", "Tuesday and Thursday", "Monday, Wednesday and Friday"."""
    if len(items) == 1:
        return items[0]
    separator = pgettext("between the items of a list", ", ")
    return _("%(items)s and %(last)s") % {"items": separator.join(items[:-1]), "last": items[-1]}


def _every(freq: str, n: int) -> str:
    if freq == "DAILY":
        return ngettext("every day", "every %(n)s days", n) % {"n": n}
    if freq == "WEEKLY":
        return ngettext("every week", "every %(n)s weeks", n) % {"n": n}
    if freq == "MONTHLY":
        return ngettext("every month", "every %(n)s months", n) % {"n": n}
    return ngettext("every year", "every %(n)s years", n) % {"n": n}


def _weekday(position: int, day: int) -> str:
    name = str(WEEKDAYS[day])
    ordinal = {
        1: _("the first %(weekday)s"),
        2: _("the second %(weekday)s"),
        3: _("the third %(weekday)s"),
        4: _("the fourth %(weekday)s"),
        5: _("the fifth %(weekday)s"),
        -1: _("the last %(weekday)s"),
        -2: _("the second-to-last %(weekday)s"),
    }
    if position == 0:
        return name
    if position in ordinal:
        return ordinal[position] % {"weekday": name}
    if position > 0:
        return _("%(weekday)s number %(n)s") % {"weekday": name, "n": position}
    return _("%(weekday)s number %(n)s from the end") % {"weekday": name, "n": -position}


def _monthdays(days: tuple[int, ...]) -> list[str]:
    found = []
    forward = [d for d in days if d > 0]
    if forward:
        found.append(
            ngettext("day %(days)s of the month", "days %(days)s of the month", len(forward))
            % {"days": _join([str(d) for d in forward])}
        )
    for d in (d for d in days if d < 0):
        found.append(
            _("the last day of the month")
            if d == -1
            else _("day %(n)s from the end of the month") % {"n": -d}
        )
    return found


def describe_parts(parts: recurrence.RuleParts) -> str:
    """The words for a rule's parts (see `describe`)."""
    text = _every(parts.freq, parts.interval)
    days = [_weekday(position, day) for position, day in parts.weekdays] + _monthdays(parts.monthdays)
    if days:
        text = _("%(frequency)s on %(days)s") % {"frequency": text, "days": _join(days)}
    if parts.months:
        months = _join([str(MONTHS[m]) for m in parts.months])
        text = _("%(rule)s, in %(months)s") % {"rule": text, "months": months}
    if parts.other:
        text = _("%(rule)s, with the further conditions %(parts)s") % {
            "rule": text,
            "parts": "; ".join(parts.other),
        }
    if parts.count is not None:
        times = ngettext("once", "%(n)s times", parts.count) % {"n": parts.count}
        text = _("%(rule)s, %(times)s") % {"rule": text, "times": times}
    elif parts.until is not None:
        text = _("%(rule)s, until %(date)s") % {"rule": text, "date": date_format(parts.until, "DATE_FORMAT")}
    return capfirst(text)


def describe(rule: str, *, first_start: datetime, tz_name: str) -> str:
    """The rule in words in the active language ("" for an event that does not repeat)."""
    if not rule:
        return ""
    return describe_parts(recurrence.rule_parts(rule, first_start=first_start, tz_name=tz_name))
