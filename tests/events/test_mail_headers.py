"""Issue 20, item 1, for events: a title with a line break is refused; a reminder the mail system
refuses is set aside with its reason and the later reminders still go; the e-mails on a change of
time or a cancellation (sent beside the change) never undo or fail the change."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kindred.audit.models import AuditEvent
from kindred.events.models import Event, Registration
from kindred.events.services import (
    event_cancel,
    event_create,
    event_update,
    registration_create,
    reminders_send,
)

from .conftest import FIRST

pytestmark = pytest.mark.django_db
INJECTION = "Training\r\nBcc: attacker@example.org"


def _event(title: str, school_leader_x, network_x, **fields) -> Event:
    return event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TRAINING,
        title=title,
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        time_zone="Europe/London",
        **fields,
    )


def test_an_event_title_with_a_line_break_is_refused_on_creating_and_on_editing(network_x, school_leader_x):
    with pytest.raises(ValidationError, match="one line"):
        _event(INJECTION, school_leader_x, network_x)
    assert not Event.objects.exists()
    event = _event("Training", school_leader_x, network_x)
    with pytest.raises(ValidationError, match="one line"):
        event_update(event=event, by=school_leader_x, title=INJECTION)
    event.refresh_from_db()
    assert event.title == "Training"


def test_the_event_form_says_why_the_title_is_refused(client, school_x, school_leader_x):
    client.force_login(school_leader_x)
    response = client.post(
        f"/events/schools/{school_x.registry_id}/new/",
        {
            "title": INJECTION,
            "kind": "training",
            "starts_at": "2027-03-02T10:00",
            "ends_at": "2027-03-02T12:00",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 400 and "Keep this to one line" in response.content.decode()
    assert not Event.objects.exists()


def test_a_refused_reminder_is_set_aside_and_the_later_ones_are_sent(network_x, school_leader_x, make_user):
    """Nine reminders due, the fifth for an event whose title was stored before the rule: the
    other eight go, the fifth keeps its reason and is not tried again, the command succeeds."""
    events = [_event(f"Training {i}", school_leader_x, network_x) for i in range(9)]
    Event.objects.filter(pk=events[4].pk).update(title=INJECTION)
    people = [make_user(f"t{i}") for i in range(9)]
    for event, person in zip(events, people, strict=True):
        registration_create(event=Event.objects.get(pk=event.pk), occurrence_start=FIRST, by=person)
    now = FIRST - timedelta(hours=2)
    assert reminders_send(now=now) == 8
    bad = Registration.objects.get(event=events[4])
    assert bad.reminded_at is None
    assert bad.reminder_failure.startswith("BadHeaderError: Header values can't contain newlines")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"t{i}@example.org" for i in range(9) if i != 4)
    assert AuditEvent.objects.filter(action="event.email_not_sent", details__kind="reminder").count() == 1
    # the next hourly run is not blocked and does not retry it
    out = StringIO()
    import time_machine

    with time_machine.travel(now + timedelta(minutes=30)):
        call_command("event_reminders", stdout=out)
    assert out.getvalue().strip() == "0 reminders sent."
    assert len(mail.outbox) == 8


def test_a_time_change_or_cancellation_of_an_event_with_an_old_bad_title_is_kept_and_the_failure_recorded(
    network_x, school_leader_x, make_user, django_capture_on_commit_callbacks
):
    event = _event("Training", school_leader_x, network_x)
    registration_create(event=event, occurrence_start=FIRST, by=make_user("ann"))
    Event.objects.filter(pk=event.pk).update(title=INJECTION)
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=event,
            by=school_leader_x,
            starts_at=FIRST + timedelta(hours=1),
            ends_at=FIRST + timedelta(hours=2),
        )
    event.refresh_from_db()
    assert event.starts_at == FIRST + timedelta(hours=1)  # the change stands
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, by=school_leader_x)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert mail.outbox == []
    failures = AuditEvent.objects.filter(action="event.email_not_sent").order_by("pk")
    assert [f.details["kind"] for f in failures] == ["time_changed", "cancelled"]
    assert all(f.details["reason"].startswith("BadHeaderError") for f in failures)
