"""iCalendar (RFC 5545) feeds written with the `icalendar` library.

A one-off event is one VEVENT. A recurring event is one VEVENT with its RRULE and an EXDATE per
cancelled occurrence, plus one VEVENT with a RECURRENCE-ID per moved occurrence — what Google
Calendar, Outlook and Apple Calendar expect. Times carry their TZID, and the feed carries the
VTIMEZONE definitions for them. UIDs are stable (`event-<pk>@<the host of SITE_URL>`), so
a client updates an event in place when it changes.

Compute once, read many times: serialising with `icalendar` costs about a millisecond per event,
so the services store each event's VEVENT text on the event (`Event.ical`, refreshed by every
write through `event_ical_refresh`), and a feed is one query and a join of stored text. Only the
event's page address (which depends on the address the feed was fetched from) is added per request.
"""

from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from icalendar.parser import Contentline

from kindred.engine import recurrence
from kindred.events.models import SKIP_FORMAT, Event, OccurrenceChange

CRLF = "\r\n"
END_EVENT = "END:VEVENT" + CRLF


def _uid(event: Event) -> str:
    """`event-<pk>@<SITE_URL's host>`: the same for every feed and every server of one site."""
    host = urlsplit(settings.SITE_URL).hostname or "kindred"
    return f"event-{event.pk}@{host}"


def _vevent(event: Event, *, stamp: datetime) -> icalendar.Event:
    tz = recurrence.zone(event.time_zone)
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("dtstamp", stamp)
    item.add("last-modified", stamp)
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", event.ends_at.astimezone(tz))
    item.add("summary", event.title)
    if event.description:
        item.add("description", event.description)
    location = event.place or event.online_url
    if location:
        item.add("location", location)
    item.add("categories", [event.get_kind_display()])
    item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return item


def event_components(event: Event, changes: list[OccurrenceChange]) -> str:
    """The event's VEVENT text: the series (RRULE, EXDATEs) and one VEVENT per moved occurrence."""
    stamp = timezone.now()
    tz = recurrence.zone(event.time_zone)
    master = _vevent(event, stamp=stamp)
    parts = []
    if event.rrule:
        master.add(
            "rrule", icalendar.vRecur.from_ical(recurrence.rule_with_utc_until(event.rrule, event.time_zone))
        )
        # Cancelled dates and those left out for the school holidays: EXDATEs, on the series' zone.
        left_out = {c.original_start for c in changes if c.cancelled} | {
            datetime.strptime(key, SKIP_FORMAT).replace(tzinfo=UTC) for key in event.holiday_skips or ()
        }
        if left_out:
            master.add("exdate", [start.astimezone(tz) for start in sorted(left_out)])
    parts.append(master.to_ical().decode())
    for change in changes:
        if change.cancelled or not event.rrule:
            continue
        moved = _vevent(event, stamp=stamp)
        moved["dtstart"] = icalendar.vDDDTypes(change.starts_at.astimezone(tz))
        moved["dtend"] = icalendar.vDDDTypes(change.ends_at.astimezone(tz))
        moved.add("recurrence-id", change.original_start.astimezone(tz))
        if change.note:
            moved.add("comment", change.note)
        parts.append(moved.to_ical().decode())
    return "".join(parts)


def event_ical_refresh(event: Event) -> None:
    """Store the event's VEVENT text again (called by every service that changes it)."""
    changes = list(OccurrenceChange.objects.filter(event=event).order_by("original_start"))
    event.ical = event_components(event, changes)
    Event.objects.filter(pk=event.pk).update(ical=event.ical)


@lru_cache(maxsize=64)
def _vtimezone(name: str) -> str:
    """A zone's VTIMEZONE text (depends only on the installed tz database)."""
    return icalendar.Timezone.from_tzinfo(recurrence.zone(name)).to_ical().decode()


def calendar(events: QuerySet[Event], *, name: str, base_url: str) -> bytes:
    """The events (their stored VEVENT text, each with its page address) as one iCalendar file."""
    rows = list(events.values_list("pk", "time_zone", "ical"))
    head = icalendar.Calendar()
    head.add("prodid", "-//Kindred//Events//EN")
    head.add("version", "2.0")
    head.add("calscale", "GREGORIAN")
    head.add("x-wr-calname", name)
    text = head.to_ical().decode()
    end = "END:VCALENDAR" + CRLF
    body = [_vtimezone(zone) for zone in sorted({zone for _pk, zone, _ical in rows})]
    for pk, _zone, ical in rows:
        url = Contentline(f"URL:{base_url}/events/{pk}/").to_ical().decode() + CRLF
        body.append(ical.replace(END_EVENT, url + END_EVENT))
    return (text[: -len(end)] + "".join(body) + end).encode()


def feed_events(events: QuerySet[Event], *, since: datetime) -> QuerySet[Event]:
    """The events a feed carries: every series still running at `since` (recent past included)."""
    return events.filter(Q(series_ends_at__gte=since) | Q(series_ends_at__isnull=True)).order_by(
        "starts_at", "pk"
    )
