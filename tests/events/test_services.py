from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.events import selectors
from kindred.events.models import Event, Registration
from kindred.events.services import (
    attendance_record,
    capacity_change,
    event_create,
    occurrence_cancel,
    occurrence_move,
    registration_cancel,
    registration_create,
    reminders_send,
)
from kindred.networks.models import RotaTurn
from kindred.schools.models import School

from .conftest import FIRST

pytestmark = pytest.mark.django_db
TWO_WEEKS = timedelta(days=14)


def test_a_network_event_is_hosted_by_the_school_whose_turn_the_rota_says_it_is(
    network_x, school_leader_x, school_x, region_a
):
    other = School.objects.create(registry_id="100009", name="Other Primary", region=region_a)
    RotaTurn.objects.create(
        network=network_x, school_year=2026, date=date(2027, 1, 12), duty="host", school=other
    )
    RotaTurn.objects.create(
        network=network_x, school_year=2026, date=date(2027, 2, 9), duty="host", school=school_x
    )
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.MEETING,
        title="Cluster meeting",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        time_zone="Europe/London",
    )
    assert event.host_school == other
    assert AuditEvent.objects.filter(action="event.created", object_id=str(event.pk)).exists()


def test_an_event_ending_before_it_starts_is_refused_and_nothing_is_saved(network_x, school_leader_x):
    with pytest.raises(ValidationError):
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="training",
            title="Backwards",
            starts_at=FIRST,
            ends_at=FIRST - timedelta(hours=1),
        )
    assert not Event.objects.exists()


def test_an_event_with_two_owners_is_refused(network_x, school_leader_x, school_x):
    with pytest.raises(ValidationError, match="exactly one"):
        event_create(
            by=school_leader_x,
            network=network_x,
            school=school_x,
            kind="training",
            title="Two",
            starts_at=FIRST,
            ends_at=FIRST + timedelta(hours=1),
        )


def test_registering_until_full_puts_the_next_person_on_the_waiting_list(training, make_user):
    people = [make_user(f"t{i}") for i in range(4)]
    statuses = [registration_create(event=training, occurrence_start=FIRST, by=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waiting"]
    # Another occurrence of the same series has its own places.
    assert (
        registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=people[3]).status
        == "confirmed"
    )


def test_cancelling_promotes_the_first_on_the_waiting_list_and_tells_them(training, make_user):
    people = [make_user(f"t{i}") for i in range(5)]
    regs = [registration_create(event=training, occurrence_start=FIRST, by=p) for p in people]
    promoted = registration_cancel(registration=regs[0], by=people[0])
    assert [r.pk for r in promoted] == [regs[3].pk]
    assert Registration.objects.get(pk=regs[4].pk).status == "waiting"
    assert mail.outbox[-1].to == ["t3@example.org"]


def test_a_group_of_pupils_takes_as_many_places_as_pupils(network_x, school_leader_x, school_x):
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.SPORT,
        title="Netball",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=2),
        for_pupils=True,
        pupils_age_min=9,
        pupils_age_max=11,
        capacity=20,
    )
    group = registration_create(
        event=event, occurrence_start=FIRST, by=school_leader_x, school=school_x, pupils=12
    )
    assert (group.places, group.status) == (12, "confirmed")
    assert selectors.places_taken(event, FIRST) == 12


def test_only_the_schools_leaders_register_its_pupils(network_x, school_leader_x, school_x, teacher_x):
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.DEBATE,
        title="Debate",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=2),
        for_pupils=True,
    )
    with pytest.raises(ValidationError, match="leaders"):
        registration_create(event=event, occurrence_start=FIRST, by=teacher_x, school=school_x, pupils=5)
    assert not Registration.objects.exists()


def test_registering_for_a_time_that_is_not_an_occurrence_is_refused(training, teacher_x):
    with pytest.raises(ValidationError, match="no occurrence"):
        registration_create(event=training, occurrence_start=FIRST + timedelta(days=1), by=teacher_x)


def test_a_cancelled_occurrence_takes_no_registrations_and_others_go_on(training, school_leader_x, teacher_x):
    occurrence_cancel(event=training, original_start=FIRST + TWO_WEEKS, by=school_leader_x)
    with pytest.raises(ValidationError, match="cancelled"):
        registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=teacher_x)
    assert registration_create(event=training, occurrence_start=FIRST, by=teacher_x).status == "confirmed"


def test_a_moved_occurrence_keeps_its_registrations(training, school_leader_x, teacher_x):
    registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=teacher_x)
    new_start = FIRST + TWO_WEEKS + timedelta(days=2)
    occurrence_move(
        event=training,
        original_start=FIRST + TWO_WEEKS,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
        by=school_leader_x,
    )
    [moved] = [
        o
        for o in selectors.occurrences(training, window_start=FIRST, window_end=FIRST + 5 * TWO_WEEKS)
        if o.changed
    ]
    assert moved.start == new_start
    assert selectors.places_taken(training, moved.original_start) == 1


def test_raising_the_capacity_promotes_those_waiting(training, make_user, school_leader_x):
    regs = [
        registration_create(event=training, occurrence_start=FIRST, by=make_user(f"t{i}")) for i in range(5)
    ]
    promoted = capacity_change(event=training, capacity=4, by=school_leader_x)
    assert [r.pk for r in promoted] == [regs[3].pk]


def test_attendance_is_recorded_after_the_event_within_the_places(training, teacher_x, school_leader_x):
    reg = registration_create(event=training, occurrence_start=FIRST, by=teacher_x)
    with pytest.raises(ValidationError, match="after"):
        attendance_record(registration=reg, attended=1, by=school_leader_x)
    with time_machine.travel(FIRST + timedelta(days=1)):
        with pytest.raises(ValidationError, match="between 0 and 1"):
            attendance_record(registration=reg, attended=2, by=school_leader_x)
        assert attendance_record(registration=reg, attended=1, by=school_leader_x).attended == 1


def test_reminders_go_once_to_confirmed_places_starting_within_a_day(training, make_user, school_leader_x):
    people = [make_user(f"t{i}") for i in range(4)]
    for p in people:
        registration_create(event=training, occurrence_start=FIRST, by=p)
    registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=people[0])
    now = FIRST - timedelta(hours=20)
    assert reminders_send(now=now) == 3  # the fourth is waiting; the later date is not due
    assert reminders_send(now=now) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["t0@example.org", "t1@example.org", "t2@example.org"]


def test_reminders_skip_a_cancelled_occurrence(training, teacher_x, school_leader_x):
    registration_create(event=training, occurrence_start=FIRST, by=teacher_x)
    occurrence_cancel(event=training, original_start=FIRST, by=school_leader_x)
    assert reminders_send(now=FIRST - timedelta(hours=1)) == 0


def test_a_school_hosting_two_events_at_once_is_warned(training, network_x, school_leader_x, school_x):
    other = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.SPORT,
        title="Football",
        starts_at=FIRST + TWO_WEEKS + timedelta(minutes=30),
        ends_at=FIRST + TWO_WEEKS + timedelta(hours=2),
        host_school=school_x,
    )
    clashes = selectors.host_clashes(other)
    assert [
        (mine.event.pk, theirs.event.pk, theirs.occurrence.original_start) for mine, theirs in clashes
    ] == [(other.pk, training.pk, FIRST + TWO_WEEKS)]
    occurrence_cancel(event=training, original_start=FIRST + TWO_WEEKS, by=school_leader_x)
    assert selectors.host_clashes(other) == []


def test_a_region_calendar_rolls_up_its_networks_and_a_person_sees_their_networks(
    training, network_x, region_a, school_leader_x, teacher_x, teacher_y
):
    window = dict(window_start=datetime(2027, 1, 1, tzinfo=UTC), window_end=datetime(2027, 2, 1, tzinfo=UTC))
    region = selectors.entries(selectors.region_events(teacher_y, region_a), **window)
    mine = selectors.entries(selectors.person_events(teacher_x), **window)
    theirs = selectors.entries(selectors.person_events(teacher_y), **window)
    assert [e.occurrence.start.day for e in region] == [12, 26]
    assert [e.occurrence.start.day for e in mine] == [12, 26]
    assert theirs == []


def test_the_reminders_command_sends_each_reminder_once(training, teacher_x):
    from io import StringIO

    from django.core.management import call_command

    registration_create(event=training, occurrence_start=FIRST, by=teacher_x)
    out = StringIO()
    with time_machine.travel(FIRST - timedelta(hours=2)):
        call_command("event_reminders", stdout=out)
        call_command("event_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["1 reminders sent.", "0 reminders sent."]
    assert [m.to for m in mail.outbox] == [["teacher.x@example.org"]]


def test_updating_an_event_recomputes_its_span_and_its_feed_text(training, school_leader_x):
    from kindred.events.services import event_update

    event_update(
        event=training,
        by=school_leader_x,
        title="Reading for pleasure (new)",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=2",
    )
    training.refresh_from_db()
    assert training.series_ends_at == FIRST + TWO_WEEKS + timedelta(hours=1, minutes=30)
    assert "SUMMARY:Reading for pleasure (new)" in training.ical and "COUNT=2" in training.ical
    with pytest.raises(ValidationError):
        event_update(event=training, by=school_leader_x, rrule="FREQ=HOURLY")
