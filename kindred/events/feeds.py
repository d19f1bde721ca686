"""iCalendar (RFC 5545) feeds written with the `icalendar` library.

A one-off event is one VEVENT. A recurring event is one VEVENT with its RRULE and an EXDATE per
cancelled occurrence, plus one VEVENT with a RECURRENCE-ID per moved occurrence — what Google
Calendar, Outlook and Apple Calendar expect. Times carry their TZID, and the feed carries the
VTIMEZONE definitions for them. UIDs are stable (`event-<pk>@<host>`), so a client updates an
event in place when it changes.
"""

from datetime import datetime

import icalendar
from django.db.models import QuerySet
from django.utils import timezone

from kindred.engine import recurrence
from kindred.events.models import Event, OccurrenceChange


def _vevent(event: Event, *, uid: str, base_url: str) -> icalendar.Event:
    tz = recurrence.zone(event.time_zone)
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", event.ends_at.astimezone(tz))
    item.add("summary", event.title)
    if event.description:
        item.add("description", event.description)
    location = event.place or event.online_url
    if location:
        item.add("location", location)
    item.add("url", base_url + event.get_absolute_url())
    item.add("categories", [event.get_kind_display()])
    item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return item


def calendar(events: QuerySet[Event] | list[Event], *, name: str, base_url: str, host: str) -> bytes:
    """The events (with their changed and cancelled occurrences) as one iCalendar file."""
    events = list(events)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Kindred//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    changes: dict[int, list[OccurrenceChange]] = {}
    recurring = [e.pk for e in events if e.rrule]
    for change in OccurrenceChange.objects.filter(event_id__in=recurring).order_by("original_start"):
        changes.setdefault(change.event_id, []).append(change)
    for event in events:
        uid = f"event-{event.pk}@{host}"
        master = _vevent(event, uid=uid, base_url=base_url)
        tz = recurrence.zone(event.time_zone)
        if event.rrule:
            master.add(
                "rrule",
                icalendar.vRecur.from_ical(recurrence.rule_with_utc_until(event.rrule, event.time_zone)),
            )
            cancelled = [c.original_start.astimezone(tz) for c in changes.get(event.pk, []) if c.cancelled]
            if cancelled:
                master.add("exdate", cancelled)
        cal.add_component(master)
        for change in changes.get(event.pk, []):
            if change.cancelled:
                continue
            moved = _vevent(event, uid=uid, base_url=base_url)
            moved["dtstart"] = icalendar.vDDDTypes(change.starts_at.astimezone(tz))
            moved["dtend"] = icalendar.vDDDTypes(change.ends_at.astimezone(tz))
            moved.add("recurrence-id", change.original_start.astimezone(tz))
            if change.note:
                moved.add("comment", change.note)
            cal.add_component(moved)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_events(events: QuerySet[Event], *, since: datetime) -> QuerySet[Event]:
    """The events a feed carries: every series still running at `since` (recent past included)."""
    from django.db.models import Q

    return (
        events.filter(Q(series_ends_at__gte=since) | Q(series_ends_at__isnull=True))
        .select_related(None)
        .order_by("starts_at", "pk")
    )
