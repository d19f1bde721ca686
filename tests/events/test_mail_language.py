"""An event's e-mails are written in each recipient's language (`User.language`, else the site's),
not in the language of whoever acted: an organiser working in English changes, cancels or frees a
place, and a Welsh or Arabic reader gets Welsh or Arabic (issue 21, item 14). The same for a
school's invitation to a person Kindred knows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from kindred.accounts.services import invitation_create
from kindred.events.services import (
    event_cancel,
    event_update,
    registration_cancel,
    registration_create,
    reminders_send,
)

from .conftest import FIRST

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(make_user):
    """A Welsh reader, an Arabic reader and one who chose no language (the site's: English)."""
    people = {}
    for language in ("cy", "ar", ""):
        person = make_user(f"reader-{language or 'none'}")
        person.language = language
        person.save(update_fields=["language"])
        people[language] = person
    return people


def _to(person):
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    return message


def test_a_cancelled_event_is_told_in_each_readers_language(
    training, readers, school_leader_x, django_capture_on_commit_callbacks
):
    for person in readers.values():
        registration_create(event=training, occurrence_start=FIRST + timedelta(days=14), by=person)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=training, by=school_leader_x)
    assert _to(readers["cy"]).subject == "Wedi'i ganslo: Reading for pleasure"
    assert "Mae'r trefnwyr wedi canslo Reading for pleasure" in _to(readers["cy"]).body
    assert _to(readers["ar"]).subject == "أُلغيت: Reading for pleasure"
    assert "ألغى المنظمون Reading for pleasure" in _to(readers["ar"]).body
    assert _to(readers[""]).subject == "Cancelled: Reading for pleasure"


def test_a_new_time_is_told_in_each_readers_language(
    training, readers, school_leader_x, django_capture_on_commit_callbacks
):
    for person in readers.values():
        registration_create(event=training, occurrence_start=FIRST + timedelta(days=14), by=person)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=training,
            by=school_leader_x,
            starts_at=FIRST + timedelta(hours=1),
            ends_at=FIRST + timedelta(hours=2, minutes=30),
        )
    welsh, arabic = _to(readers["cy"]), _to(readers["ar"])
    assert welsh.subject == "Amser newydd: Reading for pleasure"
    assert "Mae 26 Ionawr 2027, 16:00 GMT bellach yn 26 Ionawr 2027, 17:00 GMT" in welsh.body
    assert "If you can no longer come" not in welsh.body
    assert arabic.subject == "وقت جديد: Reading for pleasure"
    assert "غيّر المنظمون وقت Reading for pleasure" in arabic.body
    assert _to(readers[""]).subject == "New time: Reading for pleasure"


def test_a_place_from_the_waiting_list_is_told_in_the_readers_language(
    training, readers, make_user, school_leader_x
):
    """The person who cancels acts in English; the one promoted from the waiting list reads Welsh."""
    leaving = [make_user(f"teacher{i}") for i in range(3)]
    for person in leaving:
        registration_create(event=training, occurrence_start=FIRST, by=person)
    waiting = registration_create(event=training, occurrence_start=FIRST, by=readers["cy"])
    assert waiting.status == "waiting"
    with translation.override("en"):
        (promoted,) = registration_cancel(registration=leaving[0].event_registrations.get(), by=leaving[0])
    assert promoted.pk == waiting.pk
    message = _to(readers["cy"])
    assert message.subject == "Mae gennych le: Reading for pleasure"
    assert message.body.startswith("Mae lle wedi dod yn rhydd")


def test_reminders_are_written_in_each_readers_language(training, readers):
    for person in readers.values():
        registration_create(event=training, occurrence_start=FIRST, by=person)
    with translation.override("en"):
        assert reminders_send(now=FIRST - timedelta(hours=20)) == 3
    assert _to(readers["cy"]).subject == "Nodyn atgoffa: Reading for pleasure"
    assert _to(readers["cy"]).body.startswith(
        "Mae Reading for pleasure yn dechrau am 12 Ionawr 2027, 16:00 GMT"
    )
    assert _to(readers["ar"]).subject == "تذكير: Reading for pleasure"
    assert "12 يناير 2027، 16:00 GMT" in _to(readers["ar"]).body
    assert _to(readers[""]).subject == "Reminder: Reading for pleasure"
    assert _to(readers[""]).body.startswith("Reading for pleasure starts at 12 January 2027, 16:00 GMT.")
    assert "2027-01-12" not in "".join(m.body for m in mail.outbox)


def test_an_egyptian_readers_reminder_has_cairo_time_and_eastern_arabic_digits(training, readers, settings):
    """The time is the event's zone's (Egypt's, for an event there), in the reader's digits: the country
    profile writes Arabic with Eastern Arabic digits (docs/translating.md)."""
    settings.COUNTRY = "eg"
    training.time_zone = "Africa/Cairo"
    training.save(update_fields=["time_zone"])
    registration_create(event=training, occurrence_start=FIRST, by=readers["ar"])
    registration_create(event=training, occurrence_start=FIRST, by=readers["cy"])
    with translation.override("en"):
        reminders_send(now=FIRST - timedelta(hours=20))
    assert "١٢ يناير ٢٠٢٧، ١٨:٠٠ EET" in _to(readers["ar"]).body  # 16:00 UTC is 18:00 in Cairo
    assert "12 Ionawr 2027, 18:00 EET" in _to(readers["cy"]).body  # Welsh keeps 0-9


def test_a_schools_invitation_to_a_known_person_is_in_their_language(
    school_x, school_admin_x, readers, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            school=school_x, email=readers["ar"].email, role="teacher", by=school_admin_x, base_url="http://t"
        )
    message = _to(readers["ar"])
    assert "أنت مدعو للانضمام إلى" in message.subject
    assert "If you did not expect this" not in message.body


def test_an_invitation_to_an_unknown_address_is_in_the_inviters_language(
    school_x, school_admin_x, django_capture_on_commit_callbacks
):
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            school=school_x, email="new@example.org", role="teacher", by=school_admin_x, base_url="http://t"
        )
    (message,) = mail.outbox
    assert "Fe'ch gwahoddir i ymuno â" in message.subject
