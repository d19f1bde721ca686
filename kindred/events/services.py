"""Writes for events: one function per action, keyword-only, atomic, audited.

Registrations and cancellations lock the event's row (SELECT … FOR UPDATE on PostgreSQL; SQLite
serialises writers anyway), so two people cancelling at once each promote from the waiting
list that the other left: nobody is promoted twice and no place is left empty.
"""

import csv
import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from kindred.accounts.models import SchoolStaff, User
from kindred.audit.services import audit
from kindred.core.mail import message_send, messages_send, single_line
from kindred.core.numerals import digits
from kindred.engine import recurrence, waitlist
from kindred.events import selectors
from kindred.events.feeds import event_ical_refresh
from kindred.events.models import Event, FeedToken, OccurrenceChange, Registration, TermPeriod
from kindred.events.selectors import places_taken
from kindred.events.zones import reader_zone
from kindred.networks.access import may_act_for_school
from kindred.networks.models import Network, RotaTurn
from kindred.schools.models import LocalAuthority, Region, School

logger = logging.getLogger("kindred.mail")

EVENT_FIELDS = {
    "kind", "title", "description", "host_school", "host_organisation", "place", "online_url", "starts_at", "ends_at",
    "time_zone", "rrule", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max", "capacity",
    "skip_holidays",
}  # fmt: skip


def rota_host(*, network: Network, starts_at: datetime, time_zone: str) -> School | None:
    """The school whose turn the network's rota says it is to host on the event's date (or the next turn)."""
    day = starts_at.astimezone(recurrence.zone(time_zone)).date()
    turn = (
        RotaTurn.objects.filter(network=network, duty=RotaTurn.Duty.HOST, date__gte=day)
        .select_related("school")
        .order_by("date")
        .first()
    )
    return turn.school if turn else None


def _check(fields: dict) -> None:
    unknown = set(fields) - EVENT_FIELDS
    if unknown:
        raise ValidationError(_("Unknown event fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    if fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError(_("An event must end after it starts."))
    try:
        recurrence.zone(fields.get("time_zone") or settings.TIME_ZONE)
        if fields.get("rrule"):
            recurrence.rule_check(
                fields["rrule"],
                first_start=fields["starts_at"],
                tz_name=fields.get("time_zone") or settings.TIME_ZONE,
            )
    except recurrence.RecurrenceError as error:
        raise ValidationError(str(error)) from error
    low, high = fields.get("pupils_age_min"), fields.get("pupils_age_max")
    if low is not None and high is not None and high < low:
        raise ValidationError(_("The oldest pupils' age must not be below the youngest."))
    if fields.get("capacity") == 0:
        raise ValidationError(_("An event needs at least one place, or no limit."))
    unknown_roles = set(fields.get("staff_roles") or []) - set(SchoolStaff.Role.values)
    if unknown_roles:
        raise ValidationError(
            _("Unknown staff roles: %(names)s.") % {"names": ", ".join(sorted(map(str, unknown_roles)))}
        )


def _series_end(event: Event) -> datetime | None:
    return recurrence.last_end(
        start=event.starts_at, end=event.ends_at, tz_name=event.time_zone, rule=event.rrule
    )


@transaction.atomic
def event_create(
    *,
    by: User | None,
    network: Network | None = None,
    school: School | None = None,
    region: Region | None = None,
    **fields,
) -> Event:
    """A new event of exactly one owner. Without a host school, a network's event is hosted by
    the school whose turn it is on the rota."""
    if sum(owner is not None for owner in (network, school, region)) != 1:
        raise ValidationError(_("An event belongs to exactly one network, school or region."))
    _check(fields)
    single_line(fields.get("title", ""))  # the subject of the event's e-mails
    _check_host_organisation(network, fields.get("host_organisation"))
    if network is not None and fields.get("host_school") is None and fields.get("host_organisation") is None:
        fields["host_school"] = rota_host(
            network=network,
            starts_at=fields["starts_at"],
            time_zone=fields.get("time_zone") or settings.TIME_ZONE,
        )
    event = Event(network=network, school=school, region=region, created_by=by, **fields)
    event.series_ends_at = _series_end(event)
    event.holiday_skips = selectors.holiday_skips(event)
    event.full_clean(
        exclude=["network", "school", "region", "host_school", "host_organisation", "created_by"]
    )
    event.save()
    event_ical_refresh(event)
    audit(
        by,
        "event.created",
        event,
        kind=event.kind,
        recurring=bool(event.rrule),
        holiday_dates_left_out=len(event.holiday_skips),
    )
    return event


def _check_host_organisation(network: Network | None, organisation) -> None:
    """An organisation hosts a network's events when one of its people is the network's partner,
    expert or facilitator (issue 23, item 4)."""
    if organisation is None:
        return
    if network is None or not network.people_roles.active().filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s takes no part in this network, so it cannot host its events.")
            % {"organisation": organisation.name}
        )


TIMING = ("starts_at", "ends_at", "time_zone", "rrule")


@transaction.atomic
def event_update(*, event: Event, by: User, **fields) -> Event:
    """Change an event's details (not its owner or its places: `capacity_change`).

    Registrations and single-date changes follow their occurrences: when the times change, each
    moves by the same step on the wall clock (`recurrence.shifted`). If one would land on no date
    of the changed event, nothing is changed and the error says which date. Everyone registered
    for an occurrence whose time changed is e-mailed (after the change is committed)."""
    if "capacity" in fields:
        raise ValidationError(_("Change the number of places on its own."))
    event = _locked(event)
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} | fields
    _check(merged)
    if "host_organisation" in fields:
        _check_host_organisation(event.network, fields["host_organisation"])
    single_line(fields.get("title", ""))  # the subject of the event's e-mails
    before = {name: getattr(event, name) for name in TIMING}
    for name, value in fields.items():
        setattr(event, name, value)
    changed = (
        _occurrences_follow(event, before) if any(before[n] != getattr(event, n) for n in TIMING) else []
    )
    event.series_ends_at = _series_end(event)
    event.holiday_skips = selectors.holiday_skips(event, keep=_dates_in_use(event))
    event.save()
    event_ical_refresh(event)
    audit(by, "event.updated", event, fields=sorted(fields), registrations_moved=len(changed))
    if changed:
        transaction.on_commit(lambda: _time_changed_mail(event, changed))
    return event


def _occurrences_follow(event: Event, before: dict) -> list[tuple[Registration, datetime, datetime]]:
    """Move the event's registrations and single-date changes with their occurrences (the event
    already holds its new times); returns (registration, old start, new start) for each active
    registration, not yet past, whose occurrence now happens at another time."""

    def moved(original: datetime) -> datetime:
        return recurrence.shifted(
            original,
            old_first=before["starts_at"],
            old_tz=before["time_zone"],
            new_first=event.starts_at,
            new_tz=event.time_zone,
        )

    registrations = list(Registration.objects.filter(event=event).select_related("user"))
    changes = {c.original_start: c for c in OccurrenceChange.objects.filter(event=event)}
    kept = {r.occurrence_start for r in registrations if r.status != Registration.Status.CANCELLED}
    for original in sorted(kept | set(changes)):
        if not recurrence.is_occurrence(
            start=event.starts_at, tz_name=event.time_zone, rule=event.rrule, original_start=moved(original)
        ):
            raise ValidationError(
                _(
                    "The registrations or the change for %(when)s would fall on no date of the changed "
                    "event. Move or cancel that date on its own instead."
                )
                % {"when": _local(event, original)}
            )
    old_length, new_length = before["ends_at"] - before["starts_at"], event.ends_at - event.starts_at
    later_first = event.starts_at > before["starts_at"]
    # Moving the latest first (or the earliest, when moving earlier) never meets a row not yet moved.
    for change in sorted(changes.values(), key=lambda c: c.original_start, reverse=later_first):
        OccurrenceChange.objects.filter(pk=change.pk).update(original_start=moved(change.original_start))
    now = timezone.now()
    notify: list[tuple[Registration, datetime, datetime]] = []
    for registration in sorted(registrations, key=lambda r: r.occurrence_start, reverse=later_first):
        old_start, new_start = registration.occurrence_start, moved(registration.occurrence_start)
        if new_start != old_start:
            Registration.objects.filter(pk=registration.pk).update(occurrence_start=new_start)
        own_change = changes.get(old_start)
        if (
            registration.status != Registration.Status.CANCELLED
            and own_change is None  # a cancelled or separately moved date keeps its own time
            and (new_start, new_length) != (old_start, old_length)
            and max(old_start, new_start) > now
        ):
            registration.occurrence_start = new_start
            notify.append((registration, old_start, new_start))
    return notify


def _time_changed_mail(event: Event, changed: list[tuple[Registration, datetime, datetime]]) -> None:
    """One e-mail per person registered (for themselves or a group) with the new times of their
    dates, in that person's language."""
    dates: dict[int, list[tuple[datetime, datetime]]] = {}
    people: dict[int, User] = {}
    for registration, old_start, new_start in changed:
        people[registration.user_id] = registration.user
        dates.setdefault(registration.user_id, []).append((old_start, new_start))
    link = settings.SITE_URL.rstrip("/") + event.get_absolute_url()
    messages = []
    for user_id, moves in dates.items():
        person = people[user_id]
        with override(person.mail_language):
            lines = [
                _("%(old)s is now %(new)s")
                % {"old": _local(event, old, person), "new": _local(event, new, person)}
                for old, new in moves
            ]
            message = EmailMessage(
                _("New time: %(title)s") % {"title": event.title},
                _("The organisers have changed the time of %(title)s. Your registration moves with it:")
                % {"title": event.title}
                + "\n\n"
                + "\n".join(f"- {line}" for line in lines)
                + "\n\n"
                + _("If you can no longer come, please cancel your place: %(url)s") % {"url": link},
                None,
                [person.email],
            )
        messages.append((person.email, message))
    _mail_each(event, "time_changed", messages)


def _mail_each(event: Event, kind: str, messages: list) -> None:
    """Send e-mails about an event one by one: one refused is audited with the reason (who it was
    for stays in the log as the registration's person, not the address), the others go."""
    for _key, reason in messages_send(messages):
        audit(None, "event.email_not_sent", event, kind=kind, reason=reason)


@transaction.atomic
def event_cancel(*, event: Event, by: User) -> Event:
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    event_ical_refresh(event)
    audit(by, "event.cancelled", event)
    # Everyone still registered for a date to come is told, once the cancellation is committed.
    people = list(
        User.objects.filter(
            Exists(
                Registration.objects.active().filter(
                    event=event, occurrence_start__gt=timezone.now(), user=OuterRef("pk")
                )
            )
        ).order_by("email")
    )
    if people:
        transaction.on_commit(lambda: _cancelled_mail(event, people))
    return event


def _cancelled_mail(event: Event, people: list[User]) -> None:
    messages = []
    for person in people:
        with override(person.mail_language):
            subject = _("Cancelled: %(title)s") % {"title": event.title}
            body = _(
                "The organisers have cancelled %(title)s. You do not need to do anything: no date of it "
                "will take place."
            ) % {"title": event.title}
        messages.append((person.email, EmailMessage(subject, body, None, [person.email])))
    _mail_each(event, "cancelled", messages)


def _check_occurrence(event: Event, original_start: datetime) -> None:
    if not recurrence.is_occurrence(
        start=event.starts_at, tz_name=event.time_zone, rule=event.rrule, original_start=original_start
    ):
        raise ValidationError(_("The event has no occurrence at that time."))
    if original_start in selectors.skipped_starts(event):
        raise ValidationError(_("That date falls in the school holidays and is left out of the event."))


def _dates_in_use(event: Event) -> set[datetime]:
    """Original starts with active registrations or a change: a holiday never takes them away."""
    registered = Registration.objects.active().filter(event=event).values_list("occurrence_start", flat=True)
    changed = OccurrenceChange.objects.filter(event=event).values_list("original_start", flat=True)
    return set(registered) | set(changed)


def holiday_skips_refresh(*, events=None) -> int:
    """Recompute which dates of recurring events fall in the school holidays (after the term dates
    change); returns how many events changed. Dates with registrations or changes are kept."""
    events = Event.objects.exclude(rrule="") if events is None else events
    changed = 0
    for event in events.select_related("host_school", "school").order_by("pk"):
        skips = selectors.holiday_skips(event, keep=_dates_in_use(event))
        if skips != event.holiday_skips:
            event.holiday_skips = skips
            Event.objects.filter(pk=event.pk).update(holiday_skips=skips)
            event_ical_refresh(event)
            changed += 1
    return changed


TERM_COLUMNS = ("authority", "kind", "name", "starts_on", "ends_on")


def terms_load_file(*, path: Path, country: str, by: User | None) -> int:
    """`terms_load` from a CSV file with the columns TERM_COLUMNS (a header row first)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return terms_load(country=country, rows=rows, by=by, source=path.name)


@transaction.atomic
def terms_load(*, country: str, rows: list[dict[str, str]], by: User | None, source: str = "") -> int:
    """Replace a country's term dates and holidays (and its authorities') with `rows` (columns
    TERM_COLUMNS; authority empty for the whole country, else an authority's code). The whole file is
    checked first: every problem is reported with its row, and nothing is changed. Then every
    recurring event's holiday dates are recomputed. Returns the number of periods loaded."""
    authorities = dict(LocalAuthority.objects.values_list("code", "pk"))
    problems, periods = [], []
    kinds = set(TermPeriod.Kind.values)
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        missing = [c for c in TERM_COLUMNS if c not in row]
        if missing:
            problems.append(
                _("Row %(row)s: no column %(names)s.") % {"row": number, "names": ", ".join(missing)}
            )
            continue
        code = (row["authority"] or "").strip()
        if code and code not in authorities:
            problems.append(
                _("Row %(row)s: no authority with the code %(code)s.") % {"row": number, "code": code}
            )
            continue
        kind = (row["kind"] or "").strip().lower()
        if kind not in kinds:
            problems.append(_("Row %(row)s: the kind must be term or holiday.") % {"row": number})
            continue
        try:
            first, last = (date.fromisoformat((row[c] or "").strip()) for c in ("starts_on", "ends_on"))
        except ValueError:
            problems.append(_("Row %(row)s: dates are written YYYY-MM-DD.") % {"row": number})
            continue
        if last < first:
            problems.append(_("Row %(row)s: the last day is before the first.") % {"row": number})
            continue
        periods.append(
            TermPeriod(
                country=country,
                local_authority_id=authorities.get(code),
                kind=kind,
                name=(row["name"] or "").strip()[:100],
                starts_on=first,
                ends_on=last,
            )
        )
    if problems:
        raise ValidationError(problems)
    if not periods:
        raise ValidationError(_("The file has no term dates."))
    TermPeriod.objects.filter(country=country).delete()
    TermPeriod.objects.bulk_create(periods)
    moved = holiday_skips_refresh()
    audit(
        by,
        "event.terms_loaded",
        None,
        country=country,
        periods=len(periods),
        events_changed=moved,
        source=source,
    )
    return len(periods)


@transaction.atomic
def occurrence_cancel(
    *, event: Event, original_start: datetime, by: User, note: str = ""
) -> OccurrenceChange:
    """Cancel one occurrence of a recurring event (the others go on)."""
    _check_occurrence(event, original_start)
    change, _created = OccurrenceChange.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={"cancelled": True, "starts_at": None, "ends_at": None, "note": note},
    )
    event_ical_refresh(event)
    audit(by, "event.occurrence_cancelled", event, original_start=original_start.isoformat())
    return change


@transaction.atomic
def occurrence_move(
    *,
    event: Event,
    original_start: datetime,
    starts_at: datetime,
    ends_at: datetime,
    by: User,
    note: str = "",
) -> OccurrenceChange:
    """Move one occurrence; its registrations stay with it (they point at the original start)."""
    _check_occurrence(event, original_start)
    if ends_at <= starts_at:
        raise ValidationError(_("An event must end after it starts."))
    change, _created = OccurrenceChange.objects.update_or_create(
        event=event,
        original_start=original_start,
        defaults={"cancelled": False, "starts_at": starts_at, "ends_at": ends_at, "note": note},
    )
    event_ical_refresh(event)
    audit(
        by,
        "event.occurrence_moved",
        event,
        original_start=original_start.isoformat(),
        to=starts_at.isoformat(),
    )
    return change


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _anyone_waiting(event: Event, occurrence_start: datetime) -> bool:
    return Registration.objects.filter(
        event=event, occurrence_start=occurrence_start, status=Registration.Status.WAITING
    ).exists()


@transaction.atomic
def registration_create(
    *, event: Event, occurrence_start: datetime, by: User, school: School | None = None, pupils: int = 0
) -> Registration:
    """Register `by` (staff, for themselves) or, with `school` and `pupils`, a group of that
    school's pupils; confirmed when there is room and nobody waits, else on the waiting list."""
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("This event is cancelled."))
    _check_occurrence(event, occurrence_start)
    change = OccurrenceChange.objects.filter(event=event, original_start=occurrence_start).first()
    if change and change.cancelled:
        raise ValidationError(_("This occurrence is cancelled."))
    if school is not None:
        if not event.for_pupils:
            raise ValidationError(_("This event is not for pupils."))
        if not may_act_for_school(by, school):
            raise ValidationError(_("Only the school's leaders and administrators register its pupils."))
        if pupils < 1:
            raise ValidationError(_("Say how many pupils are coming."))
        taken = Registration.objects.active().filter(
            event=event, occurrence_start=occurrence_start, school=school
        )
    else:
        if pupils:
            raise ValidationError(_("Choose the school the pupils come from."))
        taken = Registration.objects.active().filter(
            event=event, occurrence_start=occurrence_start, user=by, school__isnull=True
        )
    if taken.exists():
        raise ValidationError(_("Already registered for this occurrence."))
    places = pupils if school is not None else 1
    confirmed = waitlist.fits(
        capacity=event.capacity,
        taken=places_taken(event, occurrence_start),
        places=places,
        anyone_waiting=_anyone_waiting(event, occurrence_start),
    )
    registration = Registration.objects.create(
        event=event,
        occurrence_start=occurrence_start,
        user=by,
        school=school,
        pupils=pupils,
        places=places,
        status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITING,
    )
    audit(
        by, "event.registered", event, registration=registration.pk, places=places, status=registration.status
    )
    return registration


def _promote(event: Event, occurrence_start: datetime, *, now: datetime) -> list[Registration]:
    """Confirm waiting registrations that now fit (the caller holds the event's lock)."""
    waiting = list(
        Registration.objects.filter(
            event=event, occurrence_start=occurrence_start, status=Registration.Status.WAITING
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    keys = set(
        waitlist.promotions(
            capacity=event.capacity,
            taken=places_taken(event, occurrence_start),
            waiting=[waitlist.Waiting(key=r.pk, places=r.places) for r in waiting],
        )
    )
    promoted = [r for r in waiting if r.pk in keys]
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit(None, "event.registration_promoted", event, registration=registration.pk)
    _mail_each(event, "promoted", [(r.pk, _promoted_message(event, r)) for r in promoted])
    return promoted


def _promoted_message(event: Event, registration: Registration) -> EmailMessage:
    """Telling the person that their place is confirmed, in their language."""
    person = registration.user
    with override(person.mail_language):
        return EmailMessage(
            _("You have a place: %(title)s") % {"title": event.title},
            _("A place has come free and your registration for %(title)s on %(when)s is now confirmed.")
            % {"title": event.title, "when": _local(event, registration.occurrence_start, person)},
            None,
            [person.email],
        )


def _local(event: Event, when: datetime, reader: User | None = None) -> str:
    """`when` in the event's time zone (the country's, unless chosen), written the active language's
    way: its month names, its date order and its digits, with the zone's abbreviation ("12 Ionawr
    2027, 16:00 GMT"). E-mails call it inside `override(person.mail_language)`, with the `reader`:
    with several countries installed, the time is in the zone of their own school's country
    (events/zones.py), so a teacher in Cairo reads Cairo's time of a meeting set in London's."""
    local = when.astimezone(recurrence.zone(reader_zone(reader) or event.time_zone))
    return digits(f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}")


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> list[Registration]:
    """Cancel a registration and promote whoever now fits from the waiting list; returns the promoted."""
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return []
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    audit(by, "event.registration_cancelled", event, registration=registration.pk)
    return _promote(event, registration.occurrence_start, now=registration.cancelled_at)


@transaction.atomic
def capacity_change(*, event: Event, capacity: int | None, by: User) -> list[Registration]:
    """Change the number of places and promote from every occurrence's waiting list that now fits."""
    event = _locked(event)
    if capacity == 0:
        raise ValidationError(_("An event needs at least one place, or no limit."))
    if capacity is not None:
        busiest = (
            Registration.objects.filter(
                event=event,
                status=Registration.Status.CONFIRMED,
                occurrence_start__gt=timezone.now() - (event.ends_at - event.starts_at),
            )
            .values("occurrence_start")
            .annotate(taken=Sum("places"))
            .order_by("-taken", "occurrence_start")
            .first()
        )
        if busiest and busiest["taken"] > capacity:
            raise ValidationError(
                _(
                    "%(taken)s places are already taken on %(when)s, more than %(capacity)s. Cancel "
                    "registrations first, or choose at least %(taken)s places."
                )
                % {
                    "taken": busiest["taken"],
                    "when": _local(event, busiest["occurrence_start"]),
                    "capacity": capacity,
                }
            )
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    audit(by, "event.capacity_changed", event, capacity=capacity)
    now = timezone.now()
    starts = (
        Registration.objects.filter(event=event, status=Registration.Status.WAITING)
        .values_list("occurrence_start", flat=True)
        .distinct()
    )
    return [r for start in list(starts) for r in _promote(event, start, now=now)]


@transaction.atomic
def attendance_record(*, registration: Registration, attended: int, by: User) -> Registration:
    """Record afterwards how many of a confirmed registration's places were used (0 = did not come)."""
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only confirmed registrations have attendance."))
    if registration.occurrence_start > timezone.now():
        raise ValidationError(_("Attendance is recorded after the event."))
    if not 0 <= attended <= registration.places:
        raise ValidationError(
            _("Attendance must be between 0 and %(places)s.") % {"places": registration.places}
        )
    registration.attended = attended
    registration.save(update_fields=["attended"])
    audit(
        by, "event.attendance_recorded", registration.event, registration=registration.pk, attended=attended
    )
    return registration


def reminders_send(*, now: datetime | None = None, ahead: timedelta = timedelta(hours=24)) -> int:
    """E-mail everyone with a confirmed place at an occurrence starting within `ahead`, once each."""
    now = now or timezone.now()
    cancelled = OccurrenceChange.objects.filter(
        event=OuterRef("event"), original_start=OuterRef("occurrence_start"), cancelled=True
    )
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            reminded_at__isnull=True,
            reminder_failure="",
            occurrence_start__gt=now,
            occurrence_start__lte=now + ahead,
            event__status=Event.Status.SCHEDULED,
        )
        .exclude(Exists(cancelled))
        .select_related("event", "user")
    )
    sent = 0
    connection = get_connection()
    connection.open()
    try:
        for registration in due:
            event = registration.event
            where = event.place or event.online_url
            with override(registration.user.mail_language):  # the reader's, not the organiser's
                message = EmailMessage(
                    _("Reminder: %(title)s") % {"title": event.title},
                    _("%(title)s starts at %(when)s. %(where)s")
                    % {
                        "title": event.title,
                        "when": _local(event, registration.occurrence_start, registration.user),
                        "where": where,
                    },
                    None,
                    [registration.user.email],
                    connection=connection,
                )
            # A reminder refused by itself is set aside with the reason, and the next ones go; a
            # failed connection stops the run (those sent are marked, the rest wait for the next).
            reason = message_send(connection, message)
            if reason:
                logger.warning("Reminder for registration %s set aside: %s", registration.pk, reason)
                # The reminder's bookkeeping, not a change of the registration (core/changes.py).
                Registration.objects.filter(pk=registration.pk).update(
                    reminder_failure=reason, updated_at=F("updated_at")
                )
                audit(None, "event.email_not_sent", event, kind="reminder", reason=reason)
                continue
            Registration.objects.filter(pk=registration.pk).update(
                reminded_at=now, updated_at=F("updated_at")
            )
            sent += 1
    finally:
        connection.close()
    return sent


@transaction.atomic
def feed_token_issue(*, user: User) -> FeedToken:
    """A new private feed address for `user`; the old one, if any, stops working."""
    FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = FeedToken.objects.create(user=user)
    audit(user, "event.feed_token_issued", None)
    return token


@transaction.atomic
def feed_token_revoke(*, user: User) -> int:
    revoked = FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit(user, "event.feed_token_revoked", None, revoked=revoked)
    return revoked
