"""An international network's event (issue 23, item 2): its page shows the time in each member
country's time zone, and its e-mails give each reader the time in their own school's country's zone,
in their language and digits; with one country installed, nothing changes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from kindred.events.models import Event
from kindred.events.services import event_create, registration_create, reminders_send
from kindred.events.zones import in_each_zone, member_zones, reader_zone

# 10:00 in London in January (GMT) is 12:00 in Cairo (EET).
START = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)


@pytest.fixture
def seminar(nile_and_taff, school_leader_x):
    return event_create(
        by=school_leader_x,
        network=nile_and_taff,
        kind=Event.Kind.MEETING,
        title="Science across borders",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        time_zone="Europe/London",
        online_url="https://meet.example.org/science",
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
    )


def test_each_member_country_reads_the_time_in_its_zone(seminar):
    zones = member_zones(seminar)
    assert zones == [("Europe/London", ["wls"]), ("Africa/Cairo", ["eg"])]
    assert in_each_zone(seminar, START, zones) == ["10:00 Wales", "12:00 Egypt"]


def test_the_day_is_named_where_it_is_another_day(seminar):
    late = datetime(2030, 1, 8, 23, 0, tzinfo=UTC)
    assert in_each_zone(seminar, late, member_zones(seminar)) == ["23:00 Wales", "Wed 9 Jan 01:00 Egypt"]


def test_the_event_page_shows_both_times(client, seminar, school_leader_x):
    client.force_login(school_leader_x)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "10:00 Wales · 12:00 Egypt" in page


def test_in_arabic_the_times_are_in_eastern_arabic_digits(client, seminar, teacher_cairo):
    client.force_login(teacher_cairo)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "١٠:٠٠ ويلز · ١٢:٠٠ مصر" in page


def test_in_welsh_the_countries_are_named_in_welsh(client, seminar, teacher_cardiff):
    client.force_login(teacher_cardiff)
    page = client.get(seminar.get_absolute_url()).content.decode()
    assert "10:00 Cymru · 12:00 Yr Aifft" in page


def test_one_country_installed_the_event_page_is_unchanged(client, seminar, school_leader_x, settings):
    settings.COUNTRIES = []
    assert member_zones(seminar) == []
    client.force_login(school_leader_x)
    assert "In each country" not in client.get(seminar.get_absolute_url()).content.decode()


def test_a_network_in_one_zone_shows_nothing_more(network_x, school_leader_x, three_countries):
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.MEETING,
        title="Reading",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        time_zone="Europe/London",
        staff_roles=["teacher"],
        skip_holidays=False,
    )
    assert member_zones(event) == []


def test_each_reader_has_their_own_countrys_zone(teacher_cairo, teacher_cardiff, school_leader_x, settings):
    assert reader_zone(teacher_cairo) == "Africa/Cairo"
    assert reader_zone(teacher_cardiff) == "Europe/London"
    assert reader_zone(None) is None
    settings.COUNTRIES = []
    assert reader_zone(teacher_cairo) is None


def test_each_reminder_gives_the_readers_own_time_in_their_language(seminar, teacher_cairo, teacher_cardiff):
    for teacher in (teacher_cairo, teacher_cardiff):
        registration_create(event=seminar, occurrence_start=START, by=teacher)
    mail.outbox.clear()
    assert reminders_send(now=START - timedelta(hours=2)) == 2
    to = {message.to[0]: message.body for message in mail.outbox}
    assert "١٢:٠٠" in to[teacher_cairo.email]
    assert "10:00" in to[teacher_cardiff.email] and "GMT" in to[teacher_cardiff.email]


def test_the_event_pages_dates_are_on_the_events_own_wall_clock(
    client, nile_and_taff, school_leader_x, settings
):
    settings.TIME_ZONE = "UTC"
    cairo_evening = event_create(
        by=school_leader_x,
        network=nile_and_taff,
        kind=Event.Kind.MEETING,
        title="Evening in Cairo",
        starts_at=START + timedelta(hours=7),  # 17:00 UTC is 19:00 in Cairo
        ends_at=START + timedelta(hours=8),
        time_zone="Africa/Cairo",
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
    )
    client.force_login(school_leader_x)
    page = client.get(cairo_evening.get_absolute_url()).content.decode()
    dates = page.split('<ul class="occurrences">', 1)[1].split("</ul>", 1)[0]
    assert "Tue 8 Jan 2030 19:00" in dates and "17:00" not in dates
    assert "Registration for Tue 8 Jan 2030 19:00" in page


def test_a_community_of_communities_event_shows_its_member_networks_zones(
    nile_and_taff, school_leader_x, network_x, three_countries
):
    from kindred.networks.links import link_decide, link_invite
    from kindred.networks.models import Network
    from kindred.networks.services import network_create

    parent = network_create(
        name="Across the sea",
        kind=Network.Kind.NETWORKS,
        region=None,
        by=school_leader_x,
        status=Network.Status.ACTIVE,
    )
    link_decide(
        link=link_invite(parent=parent, member=nile_and_taff, by=school_leader_x),
        accept=True,
        by=school_leader_x,
    )
    shared = event_create(
        by=school_leader_x,
        network=parent,
        kind=Event.Kind.MEETING,
        title="All our networks",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        time_zone="Europe/London",
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
    )
    assert member_zones(shared) == [("Europe/London", ["wls"]), ("Africa/Cairo", ["eg"])]
    assert in_each_zone(shared, START, member_zones(shared)) == ["10:00 Wales", "12:00 Egypt"]
