from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from kindred.events.services import (
    event_create,
    feed_token_issue,
    feed_token_revoke,
    occurrence_cancel,
    occurrence_move,
    registration_create,
)

from .conftest import FIRST

pytestmark = pytest.mark.django_db
TWO_WEEKS = timedelta(days=14)


def _parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_network_feed_parses_back_with_its_rule_cancellation_and_moved_date(
    client, training, school_leader_x
):
    occurrence_cancel(event=training, original_start=FIRST + TWO_WEEKS, by=school_leader_x)
    moved = FIRST + 2 * TWO_WEEKS + timedelta(days=1)
    occurrence_move(
        event=training,
        original_start=FIRST + 2 * TWO_WEEKS,
        starts_at=moved,
        ends_at=moved + timedelta(hours=1),
        by=school_leader_x,
    )
    cal = _parse(client.get(f"/events/feeds/networks/{training.network_id}.ics"))
    master, override = cal.walk("VEVENT")
    assert str(master["summary"]) == "Reading for pleasure"
    assert master.decoded("dtstart") == FIRST
    assert master["dtstart"].params["TZID"] == "Europe/London"
    assert master["rrule"]["FREQ"] == ["WEEKLY"] and master["rrule"]["COUNT"] == [6]
    assert [d.dt for d in master["exdate"].dts] == [FIRST + TWO_WEEKS]
    assert override["uid"] == master["uid"]
    assert override.decoded("recurrence-id") == FIRST + 2 * TWO_WEEKS
    assert override.decoded("dtstart") == moved
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_a_private_networks_events_are_not_in_a_public_feed(client, private_network_x, school_leader_x):
    event_create(
        by=school_leader_x,
        network=private_network_x,
        kind="meeting",
        title="Secret",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
    )
    assert client.get(f"/events/feeds/networks/{private_network_x.pk}.ics").status_code == 404


def test_a_persons_feed_has_their_networks_events_until_they_revoke_it(
    client, training, private_network_x, school_leader_x, teacher_x
):
    event_create(
        by=school_leader_x,
        network=private_network_x,
        kind="meeting",
        title="Cluster meeting",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
    )
    token = feed_token_issue(user=teacher_x).token
    cal = _parse(client.get(f"/events/feeds/{token}.ics"))
    assert sorted(str(e["summary"]) for e in cal.walk("VEVENT")) == [
        "Cluster meeting",
        "Reading for pleasure",
    ]
    feed_token_revoke(user=teacher_x)
    assert client.get(f"/events/feeds/{token}.ics").status_code == 404


def test_an_outsiders_feed_does_not_show_a_private_networks_events(
    client, private_network_x, school_leader_x, teacher_y
):
    event_create(
        by=school_leader_x,
        network=private_network_x,
        kind="meeting",
        title="Secret",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
    )
    cal = _parse(client.get(f"/events/feeds/{feed_token_issue(user=teacher_y).token}.ics"))
    assert cal.walk("VEVENT") == []


def test_the_month_view_shows_the_occurrences_and_filters_by_kind(client, training, teacher_x):
    client.force_login(teacher_x)
    month = client.get(f"/events/networks/{training.network_id}/?month=2027-01")
    assert month.status_code == 200
    assert month.content.decode().count("Reading for pleasure") == 2  # 12 and 26 January
    listed = client.get(f"/events/networks/{training.network_id}/?month=2027-02&view=list")
    assert listed.content.decode().count("Reading for pleasure") == 2  # 9 and 23 February
    empty = client.get(f"/events/networks/{training.network_id}/?month=2027-01&kind=sport")
    assert "No events in this period." in empty.content.decode()


def test_a_busy_day_shows_five_events_and_how_many_more_while_the_list_shows_all(
    client, network_x, school_leader_x, teacher_x
):
    for i in range(7):
        start = FIRST + timedelta(days=1, minutes=10 * i)
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="teachmeet",
            title=f"Busy {i}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    client.force_login(teacher_x)
    month = client.get(f"/events/networks/{network_x.pk}/?month=2027-01").content.decode()
    assert month.count("Busy ") == 5 and "and 2 more" in month
    listed = client.get(f"/events/networks/{network_x.pk}/?month=2027-01&view=list").content.decode()
    assert listed.count("Busy ") == 7


def test_registering_through_the_page_until_full_then_waiting(client, training, make_user):
    key = FIRST.strftime("%Y%m%dT%H%M%SZ")
    for i, expected in enumerate(
        ["You have a place.", "You have a place.", "You have a place.", "waiting list"]
    ):
        person = make_user(f"p{i}")
        from kindred.accounts.models import SchoolStaff

        SchoolStaff.objects.create(user=person, school=training.host_school, role="teacher")
        client.force_login(person)
        page = client.post(f"/events/{training.pk}/register/", {"occurrence": key}, follow=True)
        assert expected in page.content.decode()


def test_a_bad_occurrence_in_the_form_changes_nothing(client, training, teacher_x):
    client.force_login(teacher_x)
    client.post(f"/events/{training.pk}/register/", {"occurrence": "not-a-date"})
    client.post(f"/events/{training.pk}/register/", {"occurrence": "20270113T160000Z"})
    assert not training.registrations.exists()


def test_the_event_page_lists_registrations_for_the_organiser(client, training, teacher_x, school_leader_x):
    registration_create(event=training, occurrence_start=FIRST, by=teacher_x)
    client.force_login(school_leader_x)
    page = client.get(f"/events/{training.pk}/?at={FIRST:%Y%m%dT%H%M%SZ}").content.decode()
    assert "1 of 3 places taken." in page and str(teacher_x) in page


def test_the_region_calendar_takes_a_fixed_number_of_queries(
    client, network_x, school_leader_x, teacher_y, region_a, django_assert_max_num_queries
):
    for i in range(30):
        start = datetime(2027, 1, 4 + i % 20, 9, tzinfo=UTC)
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="training",
            title=f"T{i}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            rrule="FREQ=WEEKLY;COUNT=3" if i % 3 == 0 else "",
        )
    client.force_login(teacher_y)
    with django_assert_max_num_queries(9):  # + the navigation's unread count (issue 21.11)
        assert client.get(f"/events/regions/{region_a.pk}/?month=2027-01").status_code == 200


def test_a_persons_feed_takes_a_fixed_number_of_queries(
    client, network_x, school_leader_x, teacher_x, django_assert_max_num_queries
):
    for i in range(30):
        start = datetime(2027, 1, 4 + i % 20, 9, tzinfo=UTC)
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="training",
            title=f"T{i}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            rrule="FREQ=WEEKLY;COUNT=3" if i % 3 == 0 else "",
        )
    token = feed_token_issue(user=teacher_x).token
    with django_assert_max_num_queries(4):
        assert client.get(f"/events/feeds/{token}.ics").status_code == 200


def test_an_event_more_than_a_year_ahead_still_shows_its_dates(client, network_x, school_leader_x, teacher_x):
    start = datetime(2040, 1, 10, 16, tzinfo=UTC)
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind="training",
        title="Far ahead",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        rrule="FREQ=WEEKLY;COUNT=2",
    )
    client.force_login(teacher_x)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "No dates in the coming year." not in page and "Register myself" in page


def test_feed_uids_name_the_site_by_site_url_not_by_allowed_hosts(
    client, network_x, school_leader_x, settings
):
    settings.SITE_URL = "https://calendar.example.org/"
    settings.ALLOWED_HOSTS = ["internal-lb", "calendar.example.org", "testserver"]
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind="meeting",
        title="Cluster meeting",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
    )
    [item] = _parse(client.get(f"/events/feeds/networks/{network_x.pk}.ics")).walk("VEVENT")
    assert str(item["uid"]) == f"event-{event.pk}@calendar.example.org"


def test_calendars_name_host_schools_and_find_school_events_without_joining_every_school(
    client, training, school_leader_x, school_x, region_a, teacher_x
):
    # On the national trial a calendar joined the schools table (38,000 rows, hashed) to name the
    # host of a few events and to find a region's school events (issue #26): each event now looks
    # up its own school by primary key.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event_create(
        by=school_leader_x,
        school=school_x,
        kind="training",
        title="Open morning at Xavier",
        starts_at=FIRST + timedelta(days=1),
        ends_at=FIRST + timedelta(days=1, hours=2),
    )
    client.force_login(teacher_x)
    for path in (
        f"/events/regions/{region_a.pk}/?month=2027-01&view=list",
        "/events/mine/?month=2027-01&view=list",
    ):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(path).content.decode()
        assert "Reading for pleasure" in page and "Open morning at Xavier" in page, path
        assert "· Xavier Primary" in page, path  # the training's host school
        calendar = [q["sql"] for q in queries.captured_queries if 'FROM "events_event"' in q["sql"]]
        assert calendar and not any('LEFT OUTER JOIN "schools_school"' in sql for sql in calendar), path
