"""Organising an event of a network, a school or a region from its pages: making it, changing its
details and times (registrations follow, registrants are e-mailed), its places, cancelling it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.events.models import Event, OccurrenceChange, Registration
from kindred.events.services import (
    capacity_change,
    event_create,
    event_update,
    occurrence_cancel,
    registration_create,
)

from .conftest import FIRST

pytestmark = pytest.mark.django_db
TWO_WEEKS = timedelta(days=14)
KEY = "%Y%m%dT%H%M%SZ"


def _form(**overrides) -> dict:
    data = {
        "title": "Sports day",
        "kind": "sport",
        "starts_at": "2027-03-02T10:00",
        "ends_at": "2027-03-02T15:00",
        "time_zone": "Europe/London",
        "place": "The field",
        "for_pupils": "on",
        "pupils_age_min": "7",
        "pupils_age_max": "11",
        "capacity": "60",
    }
    return data | overrides


def test_a_schools_leader_makes_an_event_of_the_school_which_it_hosts(client, school_x, school_leader_x):
    client.force_login(school_leader_x)
    assert client.get(f"/events/schools/{school_x.registry_id}/new/").status_code == 200
    response = client.post(f"/events/schools/{school_x.registry_id}/new/", _form())
    event = Event.objects.get()
    assert response.url == event.get_absolute_url()
    assert (event.school, event.host_school, event.network, event.region) == (school_x, school_x, None, None)
    assert event.starts_at == datetime(2027, 3, 2, 10, tzinfo=UTC)  # GMT in March
    assert AuditEvent.objects.filter(action="event.created", actor=school_leader_x).exists()


def test_a_teacher_may_see_but_not_make_a_schools_events(client, school_x, teacher_x):
    client.force_login(teacher_x)
    assert client.get(f"/events/schools/{school_x.registry_id}/new/").status_code == 403
    assert client.post(f"/events/schools/{school_x.registry_id}/new/", _form()).status_code == 403
    assert client.get("/events/schools/999999/new/").status_code == 404
    assert not Event.objects.exists()


def test_a_regions_system_leader_makes_a_region_event_and_others_may_not(
    client, region_a, system_leader, school_leader_x
):
    client.force_login(school_leader_x)
    assert client.post(f"/events/regions/{region_a.pk}/new/", _form()).status_code == 403
    client.force_login(system_leader)
    page = client.get(f"/events/regions/{region_a.pk}/").content.decode()
    assert f"/events/regions/{region_a.pk}/new/" in page
    client.post(f"/events/regions/{region_a.pk}/new/", _form(title="Regional games"))
    event = Event.objects.get()
    assert (event.region, event.title, event.host_school) == (region_a, "Regional games", None)


def test_a_bad_form_changes_nothing_and_says_why(client, school_x, school_leader_x):
    client.force_login(school_leader_x)
    response = client.post(f"/events/schools/{school_x.registry_id}/new/", _form(ends_at="2027-03-02T09:00"))
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert not Event.objects.exists()


def test_changing_a_one_off_events_time_moves_its_registrations_and_e_mails_them(
    client, school_x, school_leader_x, make_user, django_capture_on_commit_callbacks
):
    start = datetime(2027, 3, 2, 10, tzinfo=UTC)
    event = event_create(
        by=school_leader_x,
        school=school_x,
        kind="training",
        title="Phonics",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="Europe/London",
        capacity=1,
    )
    first, second = make_user("ann"), make_user("bob")
    registration_create(event=event, occurrence_start=start, by=first)
    registration_create(event=event, occurrence_start=start, by=second)  # waiting
    client.force_login(school_leader_x)
    assert "10:00" in client.get(f"/events/{event.pk}/edit/").content.decode()  # London's wall clock
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/events/{event.pk}/edit/",
            _form(title="Phonics", kind="training", starts_at="2027-03-02T13:00", ends_at="2027-03-02T15:00"),
        )
    assert response.status_code == 302
    event.refresh_from_db()
    later = datetime(2027, 3, 2, 13, tzinfo=UTC)
    assert event.starts_at == later and event.place == "The field" and event.for_pupils
    assert event.capacity == 1  # places are changed on their own
    assert set(Registration.objects.values_list("occurrence_start", flat=True)) == {later}
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]
    assert "2 March 2027, 10:00 GMT is now 2 March 2027, 13:00 GMT" in mail.outbox[0].body
    assert f"/events/{event.pk}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="event.updated", actor=school_leader_x).exists()
    # The page still shows them at the new time.
    page = client.get(f"/events/{event.pk}/?at={later:{KEY}}").content.decode()
    assert "1 of 1 places taken." in page


def test_changing_only_the_place_moves_nothing_and_e_mails_nobody(
    training, teacher_x, school_leader_x, django_capture_on_commit_callbacks
):
    registration_create(event=training, occurrence_start=FIRST, by=teacher_x)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=training, by=school_leader_x, place="The hall")
    assert mail.outbox == []
    assert Registration.objects.get().occurrence_start == FIRST


def test_a_recurring_events_new_time_takes_each_date_to_that_days_new_time(
    training, teacher_x, make_user, school_leader_x, django_capture_on_commit_callbacks
):
    """Tuesdays at 16:00 London moved to 17:00: the registration for the third Tuesday (9 February)
    and the cancelled fourth Tuesday follow; the first date's registrant is not e-mailed about a
    date that is cancelled."""
    registration_create(event=training, occurrence_start=FIRST + 2 * TWO_WEEKS, by=teacher_x)
    other = make_user("cat")
    registration_create(event=training, occurrence_start=FIRST + 3 * TWO_WEEKS, by=other)
    occurrence_cancel(event=training, original_start=FIRST + 3 * TWO_WEEKS, by=school_leader_x)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            event=training,
            by=school_leader_x,
            starts_at=FIRST + timedelta(hours=1),
            ends_at=FIRST + timedelta(hours=2, minutes=30),
        )
    assert Registration.objects.get(user=teacher_x).occurrence_start == datetime(2027, 2, 9, 17, tzinfo=UTC)
    assert OccurrenceChange.objects.get().original_start == datetime(2027, 2, 23, 17, tzinfo=UTC)
    assert [m.to for m in mail.outbox] == [["teacher.x@example.org"]]


def test_a_new_time_that_leaves_a_registration_on_no_date_is_refused_and_changes_nothing(
    training, teacher_x, school_leader_x
):
    registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=teacher_x)
    with pytest.raises(ValidationError, match="would fall on no date"):
        event_update(event=training, by=school_leader_x, rrule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU;COUNT=3")
    training.refresh_from_db()
    assert training.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6"
    assert Registration.objects.get().occurrence_start == FIRST + TWO_WEEKS


def test_a_teacher_cannot_change_a_network_event(client, training, teacher_x):
    client.force_login(teacher_x)
    assert client.get(f"/events/{training.pk}/edit/").status_code == 403
    assert client.post(f"/events/{training.pk}/places/", {"capacity": "9"}).status_code == 403
    assert client.post(f"/events/{training.pk}/cancel/").status_code == 403
    training.refresh_from_db()
    assert (training.capacity, training.status) == (3, "scheduled")


def test_more_places_from_the_page_promote_those_waiting(client, training, make_user, school_leader_x):
    people = [make_user(f"t{i}") for i in range(5)]
    for person in people:
        registration_create(event=training, occurrence_start=FIRST, by=person)
    client.force_login(school_leader_x)
    response = client.post(
        f"/events/{training.pk}/places/", {"capacity": "4", "occurrence": f"{FIRST:{KEY}}"}, follow=True
    )
    page = response.content.decode()
    assert "1 on the waiting list now have a place." in page and "4 of 4 places taken." in page
    assert Registration.objects.get(user=people[3]).status == Registration.Status.CONFIRMED
    assert Registration.objects.get(user=people[4]).status == Registration.Status.WAITING


def test_fewer_places_than_are_taken_are_refused_with_the_reason(
    client, training, make_user, school_leader_x
):
    for i in range(3):
        registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=make_user(f"t{i}"))
    client.force_login(school_leader_x)
    page = client.post(f"/events/{training.pk}/places/", {"capacity": "2"}, follow=True).content.decode()
    assert "3 places are already taken on 26 January 2027, 16:00 GMT, more than 2." in page
    training.refresh_from_db()
    assert training.capacity == 3
    assert capacity_change(event=training, capacity=3, by=school_leader_x) == []


def test_the_places_form_needs_a_number_or_no_limit(client, training, school_leader_x, make_user):
    client.force_login(school_leader_x)
    page = client.post(f"/events/{training.pk}/places/", {}, follow=True).content.decode()
    assert "Give a number of places" in page
    for i in range(4):
        registration_create(event=training, occurrence_start=FIRST, by=make_user(f"t{i}"))
    client.post(f"/events/{training.pk}/places/", {"unlimited": "on"})
    training.refresh_from_db()
    assert training.capacity is None
    assert not Registration.objects.filter(status=Registration.Status.WAITING).exists()


def test_cancelling_asks_first_then_cancels_the_event_and_tells_those_registered(
    client, training, school_leader_x, teacher_x, make_user, django_capture_on_commit_callbacks
):
    registration_create(event=training, occurrence_start=FIRST + TWO_WEEKS, by=teacher_x)
    gone = registration_create(event=training, occurrence_start=FIRST, by=make_user("left"))
    from kindred.events.services import registration_cancel

    registration_cancel(registration=gone, by=gone.user)
    client.force_login(school_leader_x)
    assert "Cancel Reading for pleasure?" in client.get(f"/events/{training.pk}/cancel/").content.decode()
    training.refresh_from_db()
    assert training.status == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{training.pk}/cancel/")
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Cancelled: Reading for pleasure", ["teacher.x@example.org"])
    ]
    training.refresh_from_db()
    assert training.status == "cancelled" and "STATUS:CANCELLED" in training.ical
    assert AuditEvent.objects.filter(action="event.cancelled", actor=school_leader_x).exists()


def test_only_the_organisers_see_the_organising_controls_on_the_events_page(
    client, training, teacher_x, school_leader_x
):
    client.force_login(teacher_x)
    page = client.get(f"/events/{training.pk}/").content.decode()
    assert f"/events/{training.pk}/edit/" not in page and f"/events/{training.pk}/places/" not in page
    client.force_login(school_leader_x)
    page = client.get(f"/events/{training.pk}/").content.decode()
    assert f"/events/{training.pk}/edit/" in page and f"/events/{training.pk}/cancel/" in page
    assert f'action="/events/{training.pk}/places/"' in page and 'value="3"' in page
