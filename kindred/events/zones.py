"""An event's time where each reader is (issue 23, item 2): with several countries installed, an
international network's event page shows the time in each member country's time zone ("10:00
Wales · 12:00 Egypt"), and the event's e-mails give each reader the time in their own school's
country's zone.

A country's zone is its profile's main one (`time_zones[0]`); a reader's country is that of the
schools they work in. With one country installed, nothing here changes a page or an e-mail: the
event's own zone is used, as always.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.formats import date_format

from kindred import countries
from kindred.accounts.models import User
from kindred.events.models import Event
from kindred.networks.models import Membership, NetworkLink
from kindred.schools.models import School


def reader_zone(user: User | None) -> str | None:
    """The main time zone of the country of the school `user` works in (the first, by the
    installation's order, if their schools are in several); None with one country installed, or for
    a person with no school (they read the event's own zone)."""
    if user is None or not countries.several():
        return None
    codes = set(School.objects.filter(staff__user=user).values_list("country_code", flat=True))
    for code in countries.codes():
        if code in codes:
            return countries.profile(code).time_zone
    return None


def member_zones(event: Event) -> list[tuple[str, list[str]]]:
    """For a network's event with several countries installed: each time zone of its member schools'
    countries (and the event's own), with the country codes in it, the westernmost first at the
    event's start; [] when there is only one (nothing more to show), or the event is not a network's.
    A community of communities' shared event counts the schools of its member networks too."""
    if event.network_id is None or not countries.several():
        return []
    # A community of communities' shared event: the schools of its member networks too.
    linked = NetworkLink.objects.active().filter(parent_id=event.network_id).values("member_id")
    codes = set(
        Membership.objects.active()
        .filter(Q(network_id=event.network_id) | Q(network_id__in=linked))
        .values_list("school__country_code", flat=True)
        .distinct()
    )
    zones: dict[str, list[str]] = {}
    for code in countries.codes():
        if code in codes:
            zones.setdefault(countries.profile(code).time_zone, []).append(code)
    zones.setdefault(event.time_zone, [])
    if len(zones) < 2:
        return []
    at = event.starts_at
    return sorted(zones.items(), key=lambda item: at.astimezone(ZoneInfo(item[0])).utcoffset())


def in_each_zone(event: Event, when: datetime, zones: list[tuple[str, list[str]]]) -> list[str]:
    """`when` in each of `zones`, in the active language: "10:00 Wales" (the countries in that zone by
    name; the zone's own name where no member country is in it, the event's zone chosen by hand),
    with the day too where it is not the event's own day ("Wed 3 Mar 01:00 …")."""
    own_day = when.astimezone(ZoneInfo(event.time_zone)).date()
    parts = []
    for zone, codes in zones:
        local = when.astimezone(ZoneInfo(zone))
        time = date_format(local, "H:i") if local.date() == own_day else date_format(local, "D j M H:i")
        names = ", ".join(countries.profile(code).country_name() for code in codes) or zone
        parts.append(f"{time} {names}")
    return parts
