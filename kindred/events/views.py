"""Calendars (network, region, person), an event with its occurrences and registrations, feeds."""

import calendar as month_grid
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred import countries
from kindred.accounts.access import Access
from kindred.core.actions import confirmation_page, confirmed, form_status, refusal_shown
from kindred.events import access, feeds, rules, selectors, services
from kindred.events.forms import (
    AttendanceForm,
    CalendarFilterForm,
    CapacityForm,
    EventEditForm,
    NewEventForm,
    OccurrenceChangeForm,
    RegistrationForm,
)
from kindred.events.models import Event, FeedToken, Registration
from kindred.events.selectors import KEY_FORMAT, occurrence_key, occurrence_url
from kindred.events.zones import in_each_zone, member_zones
from kindred.networks.access import network_for_user, schools_user_acts_for
from kindred.networks.models import Network, NetworkRole
from kindred.schools.models import School

MONTH_DAY_SHOWS = 5


def _parse_key(key: str) -> datetime:
    try:
        return datetime.strptime(key, KEY_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError) as error:
        raise ValidationError(_("Not an occurrence of this event.")) from error


def _form_errors(form) -> list[str]:
    return [message for messages_ in form.errors.values() for message in messages_]


def _lines(entries, tz) -> list[dict]:
    """What the calendar shows of each occurrence, formatted once here rather than in the template."""
    kinds = {value: str(label) for value, label in Event.Kind.choices}
    lines = []
    for entry in entries:
        event, occurrence = entry.event, entry.occurrence
        start, end = occurrence.start.astimezone(tz), occurrence.end.astimezone(tz)
        lines.append(
            {
                "url": occurrence_url(event.pk, occurrence),
                "title": event.title,
                "start": start,
                "times": f"{start:%H:%M}–{end:%H:%M}",
                "kind": kinds.get(event.kind, event.kind),
                "host": event.host_name or "",
                "cancelled": occurrence.cancelled or event.status == Event.Status.CANCELLED,
                "moved": occurrence.changed,
            }
        )
    return lines


def _month_of(value: str) -> date:
    if value:
        year, month = (int(part) for part in value.split("-"))
        if 1 <= month <= 12 and 1900 < year < 3000:
            return date(year, month, 1)
    today = timezone.localdate()
    return today.replace(day=1)


def _calendar_page(request, events, *, title: str, extra: dict | None = None, status: int = 200):
    """Month grid or paginated list of the occurrences of `events`, filtered by kind and audience."""
    form = CalendarFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    first = _month_of(data.get("month", ""))
    view = data.get("view") or "month"
    events = selectors.filtered(events, kind=data.get("kind", ""), audience=data.get("audience", ""))
    tz = timezone.get_current_timezone()
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    months = 1
    end_month = date(first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1)
    end = datetime(end_month.year, end_month.month, 1, tzinfo=tz)
    entries = selectors.entries(events, window_start=start, window_end=end)
    previous = (first - timedelta(days=1)).replace(day=1)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("month", None)
    context = {
        "title": title,
        "filter_form": form,
        "view": view,
        "month": first,
        "previous_month": previous.strftime("%Y-%m"),
        "next_month": end_month.strftime("%Y-%m")
        if view == "month"
        else (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m"),
        "query": query.urlencode(),
        "entry_count": len(entries),
        **(extra or {}),
    }
    if view == "list":
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        query["month"] = first.strftime("%Y-%m")
        context |= {
            "page_obj": page,
            "entries": _lines(page.object_list, tz),
            "querystring_without_page": query.urlencode() + "&",
        }
    else:
        by_day: dict[date, list] = {}
        for entry in entries:
            by_day.setdefault(entry.occurrence.start.astimezone(tz).date(), []).append(entry)
        # A busy day shows its first few events and how many more; the list view has them all.
        weeks = [
            [
                (
                    day,
                    _lines(by_day.get(day, [])[:MONTH_DAY_SHOWS], tz),
                    max(0, len(by_day.get(day, [])) - MONTH_DAY_SHOWS),
                )
                for day in week
            ]
            for week in month_grid.Calendar().monthdatescalendar(first.year, first.month)
        ]
        context |= {"weeks": weeks, "list_url": f"?{query.urlencode()}&view=list&month={first:%Y-%m}"}
    return render(request, "events/calendar.html", context, status=status)


@require_GET
@login_required
def network_calendar(request, pk: int):
    network = network_for_user(request.user, pk)
    extra = {
        "network": network,
        "create_links": [(reverse("events:create", args=[network.pk]), _("New event"))]
        if access.may_create_in_network(request.user, network)
        else [],
        "feed_url": reverse("events:feed_network", args=[network.pk])
        if network.visibility == Network.Visibility.PUBLIC
        else "",
    }
    return _calendar_page(
        request,
        selectors.network_events(network).filter(access.events_visible_q(request.user)),
        title=_("Calendar of %(name)s") % {"name": network.display_name},
        extra=extra,
    )


@require_GET
@login_required
def region_calendar(request, pk: int):
    region = access.region_for_user(request.user, pk)
    with countries.speaking(region.country_code):  # the region's own country's words and school year
        return _region_calendar(request, region)


def _region_calendar(request, region):
    return _calendar_page(
        request,
        selectors.region_events(request.user, region),
        title=_("Calendar of the %(word)s %(name)s")
        % {"word": countries.spoken().word("region"), "name": region.name},
        extra={
            "region": region,
            "create_links": [(reverse("events:create_region", args=[region.pk]), _("New event"))]
            if access.may_create_in_region(request.user, region)
            else [],
        },
    )


@require_GET
@login_required
def my_calendar(request):
    return _calendar_page(
        request,
        selectors.person_events(request.user).filter(access.events_visible_q(request.user)),
        title=_("Your calendar"),
        extra={
            "registrations": selectors.my_registrations(request.user)[:20],
            "personal": True,
            # A network's event is made in the network, offered first; a school's own event is
            # offered apart and says so, so that the wrong kind is not made by mistake.
            "network_create_links": [
                (
                    reverse("events:create", args=[network.pk]),
                    _("New event in %(name)s") % {"name": network.name},
                )
                for network in Network.objects.filter(
                    people_roles__user=request.user,
                    people_roles__role=NetworkRole.Role.COORDINATOR,
                    people_roles__ended_at__isnull=True,
                )
                .distinct()
                .order_by("name")
            ],
            "school_create_links": [
                (
                    reverse("events:create_school", args=[school.registry_id]),
                    _("New event of %(name)s") % {"name": school.name},
                )
                for school in schools_user_acts_for(request.user).order_by("name")
            ],
        },
    )


def _clash_warnings(request, event: Event) -> None:
    for _mine, other in selectors.host_clashes(event)[:3]:
        messages.warning(
            request,
            _("%(school)s would host two events at once: %(other)s starts %(when)s.")
            % {
                "school": event.host_school.name,
                "other": other.event.title,
                "when": timezone.localtime(other.occurrence.start).strftime("%Y-%m-%d %H:%M"),
            },
        )


PREVIEW_DATES = 12


def _preview(fields: dict, owner: dict) -> dict:
    """What "Show the dates" shows before anything is saved: the repeats in words and the first dates
    (school holidays left out as they will be)."""
    event = Event(**owner, **fields)
    if event.network_id and event.host_school_id is None:
        event.host_school = services.rota_host(
            network=event.network, starts_at=event.starts_at, time_zone=event.time_zone
        )
    skipped = selectors.holiday_skips(event)
    event.holiday_skips = skipped
    tz = services.recurrence.zone(event.time_zone)
    found = selectors.occurrences(
        event,
        window_start=event.starts_at,
        window_end=event.starts_at + timedelta(days=3 * 366),
        changes={},
    )[:PREVIEW_DATES]
    return {
        "words": rules.describe(event.rrule, first_start=event.starts_at, tz_name=event.time_zone),
        "dates": [o.start.astimezone(tz) for o in found],
        "left_out": len(skipped),
    }


def _create(request, *, heading: str, hosts, owner: dict):
    """The new-event form for one owner (network, school or region), and its creation; "Show the
    dates" shows the repeats in words and the first dates without saving anything."""
    organisations = selectors.event_host_organisations(owner["network"]) if "network" in owner else None
    form = NewEventForm(
        request.POST or None,
        hosts=hosts,
        rota="network" in owner,
        organisations=organisations,
        country=selectors.owner_country(owner),  # its time zone is the default
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        fields = form.event_fields()
        if "school" in owner and fields.get("host_school") is None:
            fields["host_school"] = owner["school"]  # a school hosts its own events unless it says otherwise
        if "preview" in request.POST:
            preview = _preview(fields, owner)
        else:
            with refusal_shown(form) as attempt:
                event = services.event_create(by=request.user, **owner, **fields)
            if attempt.ok:
                _clash_warnings(request, event)
                messages.success(request, _("Event created."))
                return redirect(event)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "heading": heading, "submit": _("Create the event"), "preview": preview},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request, pk: int):
    """A new event in a network (its coordinators)."""
    network = network_for_user(request.user, pk, write=True)
    return _create(
        request,
        heading=_("New event in %(name)s") % {"name": network.display_name},
        hosts=selectors.event_hosts(network=network),
        owner={"network": network},
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_create_school(request, registry_id: str):
    """A new event of a school's own (its leaders and administrators)."""
    school = access.school_for_creating(request.user, registry_id)
    return _create(
        request,
        heading=_("New event of %(name)s") % {"name": school.name},
        hosts=selectors.event_hosts(school=school),
        owner={"school": school},
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_create_region(request, pk: int):
    """A new event of a region (its system leaders), hosted by one of its schools or by none."""
    region = access.region_for_creating(request.user, pk)
    return _create(
        request,
        heading=_("New event in the %(word)s %(name)s") % {"word": _("region"), "name": region.name},
        hosts=selectors.event_hosts(region=region),
        owner={"region": region},
    )


def _owner_hosts(event: Event):
    if event.network_id:
        return School.objects.filter(
            network_memberships__network_id=event.network_id, network_memberships__left_at__isnull=True
        )
    if event.school_id:
        return School.objects.filter(pk=event.school_id)
    return School.objects.filter(region_id=event.region_id).order_by("name")


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request, pk: int):
    """Change an event's title, times, place and audience (its organisers). People registered for a
    date whose time changes are e-mailed; the dates themselves are changed one by one on the event's page."""
    event = access.event_for_user(request.user, pk, write=True)
    form_fields = EventEditForm.Meta.fields
    before = {name: getattr(event, name) for name in form_fields}
    form = EventEditForm(
        request.POST or None,
        instance=event,
        hosts=_owner_hosts(event),
        rota=False,
        organisations=selectors.event_host_organisations(event.network) if event.network_id else None,
    )
    if request.method == "POST" and form.is_valid():
        changed = {name: value for name, value in form.cleaned_data.items() if before[name] != value}
        with refusal_shown(form) as attempt:
            if changed:
                event = services.event_update(event=event, by=request.user, **changed)
        if attempt.ok:
            if changed:
                _clash_warnings(request, event)
                messages.success(request, _("Event changed."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(event)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "heading": _("Change %(title)s") % {"title": before["title"]},
            "submit": _("Save the changes"),
            "event": event,
            "repeats": _repeats_in_words(event),
        },
        status=form_status(form),
    )


@require_POST
@login_required
def capacity(request, pk: int):
    """Change the number of places: more places promote from the waiting lists; fewer than are taken is refused."""
    event = access.event_for_user(request.user, pk, write=True)
    form = CapacityForm(request.POST)
    with refusal_shown(request) as attempt:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        places = None if form.cleaned_data["unlimited"] else form.cleaned_data["capacity"]
        promoted = services.capacity_change(event=event, capacity=places, by=request.user)
    if attempt.ok:
        messages.success(request, _("The number of places is changed."))
        if promoted:
            messages.info(request, _("%(n)s on the waiting list now have a place.") % {"n": len(promoted)})
    return redirect(reverse("events:detail", args=[event.pk]) + _at(request.POST.get("occurrence", "")))


def _at(key: str) -> str:
    return f"?at={key}" if key.isalnum() else ""


@require_http_methods(["GET", "POST"])
@login_required
def event_cancel(request, pk: int):
    """Cancel the whole event (its organisers): GET asks to confirm, POST cancels."""
    event = access.event_for_user(request.user, pk, write=True)
    if request.method == "POST":
        with refusal_shown(request) as attempt:
            services.event_cancel(event=event, by=request.user)
        if attempt.ok:
            messages.success(request, _("The event is cancelled."))
        return redirect(event)
    return render(request, "events/event_cancel.html", {"event": event})


def _selected_occurrence(request, event: Event, found: list):
    key = request.GET.get("at", "")
    for occurrence in found:
        if occurrence_key(occurrence.original_start) == key:
            return occurrence
    upcoming = [o for o in found if o.end >= timezone.now() and not o.cancelled]
    return upcoming[0] if upcoming else (found[0] if found else None)


def _repeats_in_words(event: Event) -> str:
    try:
        return rules.describe(event.rrule, first_start=event.starts_at, tz_name=event.time_zone)
    except services.recurrence.RecurrenceError:  # a rule stored before today's checks: shown as written
        return event.rrule


@require_GET
@login_required
def event_detail(request, pk: int):
    event = access.event_for_user(request.user, pk)
    can_change = access.event_access(request.user, event) == Access.WRITE
    now = timezone.now()
    # The dates from two months ago (or the first) to a year after today (or after the first, if later).
    found = selectors.occurrences(
        event,
        window_start=min(event.starts_at, now - timedelta(days=60)),
        window_end=max(now, event.starts_at) + timedelta(days=400),
    )[:60]
    selected = _selected_occurrence(request, event, found)
    # An international network's event: the time in each member country's zone (events/zones.py).
    zones = member_zones(event)
    context = {
        "event": event,
        "zone_times": in_each_zone(event, selected.start if selected else event.starts_at, zones),
        "repeats": _repeats_in_words(event),
        "holiday_dates": len(event.holiday_skips or ()),
        "occurrences": [(o, occurrence_key(o.original_start)) for o in found],
        "selected": selected,
        "can_change": can_change,
        "clashes": selectors.host_clashes(event)[:5] if can_change else [],
        "capacity_form": CapacityForm(
            initial={"capacity": event.capacity, "unlimited": event.capacity is None}
        )
        if can_change
        else None,
    }
    if selected is not None:
        key = occurrence_key(selected.original_start)
        registrations = list(selectors.occurrence_registrations(event, selected.original_start))
        mine = [r for r in registrations if r.user_id == request.user.pk and not r.school_id]
        pupil_schools = schools_user_acts_for(request.user) if event.for_pupils else School.objects.none()
        context |= {
            "selected_key": key,
            "taken": sum(r.places for r in registrations if r.status == Registration.Status.CONFIRMED),
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
            "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
            "mine": mine[0] if mine else None,
            "my_groups": [r for r in registrations if r.school_id and r.user_id == request.user.pk],
            "registration_form": RegistrationForm(initial={"occurrence": key}, schools=pupil_schools),
            "pupil_schools": pupil_schools,
            "change_form": OccurrenceChangeForm(initial={"occurrence": key})
            if can_change and event.rrule
            else None,
            "is_past": selected.start <= now,
        }
    return render(request, "events/event_detail.html", context)


@require_POST
@login_required
def register(request, pk: int):
    event = access.event_for_user(request.user, pk)
    form = RegistrationForm(request.POST, schools=schools_user_acts_for(request.user))
    with refusal_shown(request) as attempt:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        when = _parse_key(form.cleaned_data["occurrence"])
        registration = services.registration_create(
            event=event,
            occurrence_start=when,
            by=request.user,
            school=form.cleaned_data.get("school"),
            pupils=form.cleaned_data.get("pupils") or 0,
        )
    if not attempt.ok:
        return redirect(
            reverse("events:detail", args=[event.pk]) + f"?at={request.POST.get('occurrence', '')}"
        )
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You have a place."))
    else:
        messages.info(
            request,
            _("The event is full: you are on the waiting list and will be e-mailed if a place frees."),
        )
    return redirect(reverse("events:detail", args=[event.pk]) + f"?at={occurrence_key(when)}")


@require_POST
@login_required
def registration_cancel(request, pk: int):
    """Cancel a registration, after the confirmation page (without JavaScript too)."""
    registration = access.registration_for_user(request.user, pk)
    back = (
        reverse("events:detail", args=[registration.event_id])
        + f"?at={occurrence_key(registration.occurrence_start)}"
    )
    if not confirmed(request):
        when = date_format(timezone.localtime(registration.occurrence_start), "DATETIME_FORMAT")
        if registration.school_id:
            question = _(
                "Cancel the registration of %(n)s pupils of %(school)s for %(event)s on %(when)s?"
            ) % {
                "n": registration.pupils,
                "school": registration.school.name,
                "event": registration.event.title,
                "when": when,
            }
        else:
            question = _("Cancel your registration for %(event)s on %(when)s?") % {
                "event": registration.event.title,
                "when": when,
            }
        return confirmation_page(
            request,
            question=question,
            consequence=_(
                "The place goes at once to the first on the waiting list. If you register again and the "
                "event is full, you join the end of the waiting list."
            ),
            button=_("Cancel the registration"),
            back=back,
            back_label=_("No, keep the registration"),
        )
    promoted = services.registration_cancel(registration=registration, by=request.user)
    messages.success(request, _("Registration cancelled."))
    if promoted:
        messages.info(request, _("%(n)s on the waiting list now have a place.") % {"n": len(promoted)})
    return redirect(
        reverse("events:detail", args=[registration.event_id])
        + f"?at={occurrence_key(registration.occurrence_start)}"
    )


@require_POST
@login_required
def attendance(request, pk: int):
    registration = access.registration_for_user(request.user, pk)
    if access.event_access(request.user, registration.event) < Access.WRITE:
        raise PermissionDenied("Only the event's organisers record attendance.")
    form = AttendanceForm(request.POST)
    with refusal_shown(request) as attempt:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        services.attendance_record(
            registration=registration, attended=form.cleaned_data["attended"], by=request.user
        )
    if attempt.ok:
        messages.success(request, _("Attendance recorded."))
    return redirect(
        reverse("events:detail", args=[registration.event_id])
        + f"?at={occurrence_key(registration.occurrence_start)}"
    )


@require_POST
@login_required
def occurrence_change(request, pk: int):
    event = access.event_for_user(request.user, pk, write=True)
    form = OccurrenceChangeForm(request.POST)
    with refusal_shown(request) as attempt:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        when = _parse_key(form.cleaned_data["occurrence"])
        if form.cleaned_data["action"] == "cancel":
            services.occurrence_cancel(
                event=event, original_start=when, by=request.user, note=form.cleaned_data["note"]
            )
        else:
            zone = services.recurrence.zone(event.time_zone)
            starts, ends = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
            if not starts or not ends:
                raise ValidationError(_("Give the new start and end."))
            services.occurrence_move(
                event=event,
                original_start=when,
                starts_at=starts.replace(tzinfo=None).replace(tzinfo=zone),
                ends_at=ends.replace(tzinfo=None).replace(tzinfo=zone),
                by=request.user,
                note=form.cleaned_data["note"],
            )
    if not attempt.ok:
        return redirect(event)
    messages.success(request, _("Occurrence changed."))
    return redirect(reverse("events:detail", args=[event.pk]) + f"?at={occurrence_key(when)}")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _feed_since() -> datetime:
    return timezone.now() - timedelta(days=settings.EVENTS_FEED_PAST_DAYS)


@require_GET
def feed_network(request, pk: int):
    """A public network's events, for calendar clients (no sign-in: they cannot sign in), with those
    shared by the public communities of communities it is in. Private networks' events are only in
    their members' personal feeds."""
    network = get_object_or_404(Network, pk=pk, visibility=Network.Visibility.PUBLIC)
    events = feeds.feed_events(
        selectors.network_events(network).filter(
            Q(network=network) | Q(network__visibility=Network.Visibility.PUBLIC)
        ),
        since=_feed_since(),
    )
    return _ics(
        feeds.calendar(
            events,
            name=network.display_name,
            base_url=_base(request),
        ),
        f"network-{network.pk}.ics",
    )


@require_GET
def feed_school(request, registry_id: str):
    """A school's own events and those it hosts in public networks."""
    school = get_object_or_404(School, registry_id=registry_id)
    from django.db.models import Q

    events = Event.objects.filter(
        Q(school=school) | Q(host_school=school, network__visibility=Network.Visibility.PUBLIC)
    )
    return _ics(
        feeds.calendar(
            feeds.feed_events(events, since=_feed_since()),
            name=school.name,
            base_url=_base(request),
        ),
        f"school-{school.registry_id}.ics",
    )


@require_GET
def feed_person(request, token: str):
    """A person's whole calendar at a private address; a revoked or unknown token is 404."""
    feed = FeedToken.objects.select_related("user").filter(token=token, revoked_at__isnull=True).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such feed.")
    user = feed.user
    events = selectors.person_events(user).filter(access.events_visible_q(user))
    return _ics(
        feeds.calendar(
            feeds.feed_events(events, since=_feed_since()),
            name=_("Kindred: %(name)s") % {"name": user},
            base_url=_base(request),
        ),
        "kindred.ics",
    )


@require_http_methods(["GET", "POST"])
@login_required
def feed_settings(request):
    """The person's private feed address: make one, replace it, or revoke it."""
    has_address = FeedToken.objects.filter(user=request.user, revoked_at__isnull=True).exists()
    if request.method == "POST" and has_address and not confirmed(request):
        revoke = request.POST.get("action") == "revoke"
        return confirmation_page(
            request,
            question=_("Revoke your calendar address?") if revoke else _("Replace your calendar address?"),
            consequence=_(
                "The address you have now stops working at once: every calendar app that uses it stops "
                "showing your events until you give it the new address."
            )
            if not revoke
            else _(
                "The address stops working at once: every calendar app that uses it stops showing your "
                "events. You can make a new address later."
            ),
            button=_("Revoke the address") if revoke else _("Replace the address"),
            back=reverse("events:feed_settings"),
            back_label=_("No, keep the address I have"),
            keep=("action",),
        )
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(user=request.user)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            services.feed_token_issue(user=request.user)
            messages.success(request, _("Your new calendar address is ready; the old one no longer works."))
        return redirect("events:feed_settings")
    token = FeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    url = request.build_absolute_uri(reverse("events:feed_person", args=[token.token])) if token else ""
    return render(request, "events/feed_settings.html", {"feed_url": url})
