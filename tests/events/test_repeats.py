"""The repeating-event builder, its rules in words in every language, the time zone's default, and
where a network's events are made (issue 21, items 8 and 10)."""

from datetime import UTC, datetime

import pytest
from django.utils import translation

from kindred.events.models import Event
from kindred.events.rules import describe

pytestmark = pytest.mark.django_db

# Tuesday 12 January 2027, 16:00 in London (GMT).
FIRST = datetime(2027, 1, 12, 16, tzinfo=UTC)
LAST_FRIDAY = datetime(2027, 1, 29, 16, tzinfo=UTC)

# Each rule with its words, written out by hand in English, Welsh and Arabic.
WORDS = [
    (
        "FREQ=WEEKLY;INTERVAL=2;COUNT=6;BYDAY=TU,TH",
        FIRST,
        "Every 2 weeks on Tuesday and Thursday, 6 times",
        "Bob 2 wythnos ar Dydd Mawrth a Dydd Iau, 6 gwaith",
        "كل أسبوعين في الثلاثاء والخميس، 6 مرات",
    ),
    (
        "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU",
        FIRST,
        "Every month on the second Tuesday, 6 times",
        "Bob mis ar yr ail Dydd Mawrth, 6 gwaith",
        "كل شهر في الثلاثاء الثاني، 6 مرات",
    ),
    (
        "FREQ=MONTHLY;UNTIL=20270430;BYDAY=-1FR",
        LAST_FRIDAY,
        "Every month on the last Friday, until 30 April 2027",
        "Bob mis ar y Dydd Gwener olaf, tan 30 Ebrill 2027",
        "كل شهر في آخر يوم الجمعة، حتى 30 إبريل 2027",
    ),
    ("FREQ=DAILY;INTERVAL=3", FIRST, "Every 3 days", "Bob 3 diwrnod", "كل 3 أيام"),
    ("FREQ=WEEKLY", FIRST, "Every week on Tuesday", "Bob wythnos ar Dydd Mawrth", "كل أسبوع في الثلاثاء"),
    (
        "FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=2TU;COUNT=2",
        FIRST,
        "Every month on the second Tuesday, in January, April and September, 2 times",
        "Bob mis ar yr ail Dydd Mawrth, ym mis Ionawr, Ebrill a Medi, 2 waith",
        "كل شهر في الثلاثاء الثاني، في يناير وإبريل وسبتمبر، مرتين",
    ),
    (
        "FREQ=WEEKLY;INTERVAL=11;COUNT=3;BYDAY=MO,TU,WE",
        FIRST,
        "Every 11 weeks on Monday, Tuesday and Wednesday, 3 times",
        "Bob 11 wythnos ar Dydd Llun, Dydd Mawrth a Dydd Mercher, 3 gwaith",
        "كل 11 أسبوعًا في الاثنين والثلاثاء والأربعاء، 3 مرات",
    ),
    (
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=12,-1;COUNT=1",
        FIRST,
        "Every 2 months on day 12 of the month and the last day of the month, once",
        "Bob 2 fis ar ddiwrnod 12 o'r mis a ddiwrnod olaf y mis, unwaith",
        "كل شهرين في اليوم 12 من الشهر واليوم الأخير من الشهر، مرة واحدة",
    ),
    (
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
        FIRST,
        "Every month on Tuesday, with the further conditions BYSETPOS=2",
        "Bob mis ar Dydd Mawrth, gyda'r amodau pellach BYSETPOS=2",
        "كل شهر في الثلاثاء، مع الشروط الإضافية BYSETPOS=2",
    ),
]


@pytest.mark.parametrize(("rule", "first", "en", "cy", "ar"), WORDS)
def test_every_rule_is_described_in_words_in_each_language(rule, first, en, cy, ar):
    for language, expected in (("en", en), ("cy", cy), ("ar", ar)):
        with translation.override(language):
            assert describe(rule, first_start=first, tz_name="Europe/London") == expected


def _builder_post(**repeat) -> dict:
    return {
        "title": "Reading leads",
        "kind": "meeting",
        "starts_at": "2027-01-12T16:00",
        "ends_at": "2027-01-12T17:00",
        "time_zone": "Europe/London",
        "interval": "1",
        "monthly_on": "date",
        "ends": "count",
        "skip_holidays": "on",
        **repeat,
    }


def test_the_builder_makes_the_second_tuesday_of_the_month_rule(client, network_x, school_leader_x):
    client.force_login(school_leader_x)
    response = client.post(
        f"/events/networks/{network_x.pk}/new/",
        _builder_post(
            repeat="MONTHLY", monthly_on="weekday", month_position="2", month_weekday="1", count="6"
        ),
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Reading leads")
    assert event.rrule == "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU"
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Every month on the second Tuesday, 6 times" in page
    assert "BYDAY" not in page  # the rule in words, not as written


def test_weekly_on_chosen_days_until_a_date(client, network_x, school_leader_x):
    client.force_login(school_leader_x)
    client.post(
        f"/events/networks/{network_x.pk}/new/",
        _builder_post(repeat="WEEKLY", interval="2", weekdays=["1", "3"], ends="until", until="2027-03-20"),
    )
    assert Event.objects.get().rrule == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270320;BYDAY=TU,TH"


def test_a_first_date_off_the_chosen_days_is_refused_in_the_readers_language(
    client, network_x, school_leader_x
):
    client.force_login(school_leader_x)
    client.post("/accounts/language/", {"language": "cy", "next": "/"})
    response = client.post(
        f"/events/networks/{network_x.pk}/new/", _builder_post(repeat="WEEKLY", weekdays=["0"], count="3")
    )
    assert response.status_code == 400
    assert "Nid yw&#x27;r dyddiad cyntaf yn un o ddyddiadau&#x27;r ailadrodd" in response.content.decode()
    assert not Event.objects.exists()


def test_showing_the_dates_saves_nothing_and_puts_the_repeats_in_words(client, network_x, school_leader_x):
    client.force_login(school_leader_x)
    response = client.post(
        f"/events/networks/{network_x.pk}/new/",
        _builder_post(repeat="WEEKLY", count="3", preview="1"),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert "Every week on Tuesday, 3 times" in page
    assert "Tuesday 26 January 2027, 16:00" in page


def test_the_advanced_rule_stays_possible_and_is_checked(client, network_x, school_leader_x):
    client.force_login(school_leader_x)
    bad = client.post(
        f"/events/networks/{network_x.pk}/new/", _builder_post(repeat="advanced", rrule="FREQ=HOURLY")
    )
    assert bad.status_code == 400 and not Event.objects.exists()
    client.post(
        f"/events/networks/{network_x.pk}/new/",
        _builder_post(repeat="advanced", rrule="FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=2TU;COUNT=6"),
    )
    assert Event.objects.get().rrule == "FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=2TU;COUNT=6"


def test_no_repeat_makes_a_single_event(client, network_x, school_leader_x):
    client.force_login(school_leader_x)
    client.post(f"/events/networks/{network_x.pk}/new/", _builder_post(repeat="", weekdays=["0"]))
    assert Event.objects.get().rrule == ""


def test_the_time_zone_defaults_to_the_countrys_and_offers_its_zones_first(
    client, network_x, school_leader_x, settings
):
    settings.COUNTRY = "eg"
    client.force_login(school_leader_x)
    form = client.get(f"/events/networks/{network_x.pk}/new/").context["form"]
    assert form["time_zone"].value() == "Africa/Cairo"
    groups = form.fields["time_zone"].choices
    assert [zone for zone, _label in groups[0][1]] == ["Africa/Cairo"]
    assert "Europe/London" in [zone for zone, _label in groups[1][1]]


def test_the_network_page_links_to_its_calendar_and_to_a_new_event_for_its_coordinators(
    client, network_x, school_leader_x, teacher_x
):
    client.force_login(school_leader_x)
    page = client.get(f"/networks/{network_x.pk}/").content.decode()
    assert f'href="/events/networks/{network_x.pk}/"' in page
    assert f'href="/events/networks/{network_x.pk}/new/"' in page
    client.force_login(teacher_x)
    page = client.get(f"/networks/{network_x.pk}/").content.decode()
    assert f'href="/events/networks/{network_x.pk}/"' in page
    assert f'href="/events/networks/{network_x.pk}/new/"' not in page


def test_the_calendar_offers_a_network_event_apart_from_a_schools_own(
    client, network_x, school_leader_x, school_x
):
    client.force_login(school_leader_x)
    response = client.get("/events/mine/")
    assert response.context["network_create_links"] == [
        (f"/events/networks/{network_x.pk}/new/", f"New event in {network_x.name}")
    ]
    assert response.context["school_create_links"] == [
        (f"/events/schools/{school_x.registry_id}/new/", f"New event of {school_x.name}")
    ]
    page = response.content.decode()
    assert page.index("A network's event") < page.index("Your school's own event")
