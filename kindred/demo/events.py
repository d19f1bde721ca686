"""The demo's term of network life: a programme of events across the coordinator's networks
(hosted in turn by the rota), registrations with a full event and a waiting list, a library with a
policy template agreed and adopted, and open offers and requests — one matched and waiting for the
coordinator's school to agree.

Everything goes through the services, as a person would do it.
"""

from datetime import UTC, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kindred import countries
from kindred.accounts.models import SchoolStaff, User
from kindred.demo.texts import demo_texts
from kindred.engine import recurrence, terms
from kindred.events.models import Event, TermPeriod
from kindred.events.selectors import occurrences, school_calendar
from kindred.events.services import event_create, occurrence_cancel, registration_create, terms_load_file
from kindred.library.services import policy_adopt, policy_agree, resource_create, version_add
from kindred.networks.access import network_member_users
from kindred.networks.models import Network, NetworkRole
from kindred.offers.services import match_propose, offer_create, request_create
from kindred.schools.models import School


def _term_calendar() -> terms.SchoolCalendar:
    """The country's term dates (the shipped ones, loaded if none are), so the demo's events fall in term."""
    code = countries.profile().code
    if not TermPeriod.objects.filter(country=code).exists() and countries.terms_file(code).exists():
        terms_load_file(path=countries.terms_file(code), country=code, by=None)
    return school_calendar(local_authority_id=None)


def _next(calendar: terms.SchoolCalendar, weekday: int, hour: int, *, after_days: int = 3) -> datetime:
    """The first `weekday` in term at least `after_days` from today, at `hour` in the country's zone."""
    day = calendar.next_term_day(timezone.localdate() + timedelta(days=after_days), weekday=weekday)
    return datetime.combine(
        day, time(hour), tzinfo=recurrence.zone(countries.profile().time_zone)
    ).astimezone(UTC)


def _text(name: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode(), content_type="text/plain")


@transaction.atomic
def demo_programme_create(*, coordinator: User, teacher: User, admin: User) -> dict:
    networks = list(
        Network.objects.filter(
            people_roles__user=coordinator,
            people_roles__role=NetworkRole.Role.COORDINATOR,
            people_roles__ended_at__isnull=True,
        ).order_by("pk")
    )
    words = demo_texts()["events"]
    events = []
    calendar = _term_calendar()
    zone_name = countries.profile().time_zone
    for n, network in enumerate(networks):
        meeting_start = _next(calendar, 1, 16, after_days=3 + n)  # a Tuesday in term, 16:00
        meeting = event_create(
            by=coordinator,
            network=network,
            kind=Event.Kind.MEETING,
            title=words["meeting"].format(network=network.name),
            starts_at=meeting_start,
            ends_at=meeting_start + timedelta(hours=1, minutes=30),
            time_zone=zone_name,
            rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=6",  # school holidays left out (skip_holidays)
            staff_roles=["leader", "teacher"],
            place=words["meeting_place"],
        )
        in_term = [
            o.original_start
            for o in occurrences(
                meeting, window_start=meeting_start, window_end=meeting_start + timedelta(weeks=26)
            )
        ]
        occurrence_cancel(
            event=meeting,
            original_start=in_term[min(2, len(in_term) - 1)],
            by=coordinator,
            note=words["cancelled"],
        )
        teachmeet_start = _next(calendar, 3, 17, after_days=10 + n)
        teachmeet = event_create(
            by=coordinator,
            network=network,
            kind=Event.Kind.TEACHMEET,
            title=words["teachmeet"].format(network=network.name),
            starts_at=teachmeet_start,
            ends_at=teachmeet_start + timedelta(hours=2),
            time_zone=zone_name,
            staff_roles=["teacher"],
            online_url="https://meet.example.org/teachmeet",
            capacity=3,
        )
        sport_start = _next(calendar, 4, 13, after_days=17 + n)
        sport = event_create(
            by=coordinator,
            network=network,
            kind=Event.Kind.SPORT,
            title=words["sport"].format(network=network.name),
            starts_at=sport_start,
            ends_at=sport_start + timedelta(hours=3),
            time_zone=zone_name,
            for_pupils=True,
            pupils_age_min=9,
            pupils_age_max=11,
            capacity=40,
            place=words["sport_place"],
        )
        events += [meeting, teachmeet, sport]
        # The TeachMeet fills up: three places taken, one waiting.
        members = list(network_member_users(network).exclude(pk=teacher.pk).order_by("pk")[:4])
        for person in members:
            registration_create(event=teachmeet, occurrence_start=teachmeet.starts_at, by=person)
        school = School.objects.filter(
            network_memberships__network=network, network_memberships__left_at__isnull=True
        ).first()
        if school is not None:
            registration_create(
                event=sport, occurrence_start=sport.starts_at, by=admin, school=school, pupils=12
            )
    if networks:
        # The teacher (whose school is in none of these networks) can register for a public one's training.
        training_start = _next(calendar, 2, 16, after_days=12)
        training = event_create(
            by=coordinator,
            network=networks[0],
            kind=Event.Kind.TRAINING,
            title=words["training"],
            starts_at=training_start,
            ends_at=training_start + timedelta(hours=2),
            time_zone=zone_name,
            staff_roles=["teacher"],
            capacity=20,
            place=words["training_place"],
        )
        registration_create(event=training, occurrence_start=training.starts_at, by=teacher)
        events.append(training)

    library = _demo_library(networks, coordinator=coordinator, admin=admin)
    offers = _demo_offers(coordinator=coordinator, teacher=teacher, admin=admin)
    return {"events": events, **library, **offers}


def _demo_library(networks: list[Network], *, coordinator: User, admin: User) -> dict:
    words = demo_texts()["library"]
    found = {
        "link": resource_create(
            by=coordinator,
            network=None,
            kind="link",
            title=words["link"],
            licence="CC-BY-4.0",
            url=words["link_url"],
            domain="teaching",
            tags=words["link_tags"],
        )
    }
    if not networks:
        return found
    network = networks[0]
    plan = resource_create(
        by=coordinator,
        network=network,
        kind="file",
        title=words["plan"],
        licence="CC-BY-SA-4.0",
        upload=_text(words["plan_file"], words["plan_text"]),
        domain="reading",
        phase="primary",
        tags=words["plan_tags"],
    )
    version_add(
        resource=plan,
        upload=_text(words["plan_file_2"], words["plan_text_2"]),
        note=words["plan_note"],
        by=coordinator,
    )
    policy = resource_create(
        by=coordinator,
        network=network,
        kind="policy",
        title=words["policy"],
        licence="CC-BY-4.0",
        upload=_text(words["policy_file"], words["policy_text"]),
        domain="leadership",
    )
    agreed = version_add(
        resource=policy,
        upload=_text(words["policy_file_2"], words["policy_text_2"]),
        note=words["policy_note"],
        by=coordinator,
    )
    policy_agree(resource=policy, version=agreed, by=coordinator)
    own = School.objects.filter(staff__user=coordinator, staff__role=SchoolStaff.Role.LEADER).first()
    if own is not None:
        policy_adopt(resource=policy, school=own, by=coordinator)
    found |= {"plan": plan, "policy": policy}
    return found


def _demo_offers(*, coordinator: User, teacher: User, admin: User) -> dict:
    words = demo_texts()["offers"]
    own = School.objects.filter(staff__user=coordinator).first()
    teacher_school = School.objects.filter(staff__user=teacher).first()
    if own is None or teacher_school is None:
        return {}
    others = list(
        School.objects.filter(region=own.region)
        .exclude(pk__in=[own.pk, teacher_school.pk])
        .order_by("registry_id")[:3]
    )
    offer = offer_create(
        school=own,
        domain="reading",
        format="mentoring",
        capacity=2,
        description=words["mentoring"],
        by=coordinator,
    )
    for school, fmt in zip(others, ["visit", "new_school"], strict=False):
        offer_create(
            school=school,
            domain="reading",
            format=fmt,
            by=admin,
            description=words[fmt],
        )
    request = request_create(
        school=teacher_school,
        domain="reading",
        needs=words["need"],
        by_date=timezone.localdate() + timedelta(days=60),
        by=admin,
    )
    match = match_propose(request=request, offer=offer, outcome="partnership", by=admin)
    if len(others) > 2:
        request_create(school=others[2], domain="maths", needs=words["maths_need"], by=admin)
    return {"offer": offer, "request": request, "match": match}
