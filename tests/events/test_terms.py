"""School terms and holidays: repeating events leave the holidays out — on the pages, in the feeds
(EXDATEs that calendar apps and a second RFC 5545 reader agree on) — unless the organiser asks not
to (issue 21, item 9)."""

import csv
from datetime import UTC, datetime, timedelta
from io import StringIO

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kindred import countries
from kindred.events.models import Event, Registration, TermPeriod
from kindred.events.services import event_create, registration_create, terms_load, terms_load_file

pytestmark = pytest.mark.django_db

# Tuesday 8 December 2026, 16:00 in London (GMT): weekly, six times. England's shipped term dates
# end the autumn term on Friday 18 December and start the spring term on Monday 4 January.
FIRST = datetime(2026, 12, 8, 16, tzinfo=UTC)
WEEK = timedelta(days=7)
IN_TERM = [FIRST, FIRST + WEEK, FIRST + 4 * WEEK, FIRST + 5 * WEEK]  # 8, 15 Dec; 5, 12 Jan
HOLIDAY = [FIRST + 2 * WEEK, FIRST + 3 * WEEK]  # 22 and 29 December


@pytest.fixture
def england_terms(db):
    return terms_load_file(path=countries.terms_file("eng"), country="eng", by=None)


def _weekly(network, by, **fields):
    return event_create(
        by=by,
        network=network,
        kind=Event.Kind.MEETING,
        title="Reading leads",
        starts_at=FIRST,
        ends_at=FIRST + timedelta(hours=1),
        time_zone="Europe/London",
        rrule="FREQ=WEEKLY;COUNT=6",
        **fields,
    )


def _dates_on_page(client, event) -> list[str]:
    return [
        o.start.strftime("%Y-%m-%d")
        for o, _key in client.get(event.get_absolute_url()).context["occurrences"]
    ]


def test_the_shipped_term_dates_load_for_each_demo_country(db):
    for code in ("eng", "wls", "eg"):
        assert terms_load_file(path=countries.terms_file(code), country=code, by=None) > 20
    assert TermPeriod.objects.filter(country="eg", kind="holiday", name="Mid-year holiday").count() == 3


def test_a_weekly_event_leaves_out_the_christmas_holidays(client, england_terms, network_x, school_leader_x):
    event = _weekly(network_x, school_leader_x)
    assert event.holiday_skips == ["20261222T160000Z", "20261229T160000Z"]
    client.force_login(school_leader_x)
    assert _dates_on_page(client, event) == ["2026-12-08", "2026-12-15", "2027-01-05", "2027-01-12"]
    december = client.get(f"/events/networks/{network_x.pk}/?view=list&month=2026-12").context["entries"]
    assert [line["start"].day for line in december] == [8, 15]


def test_the_organiser_may_keep_the_holiday_dates(client, england_terms, network_x, school_leader_x):
    event = _weekly(network_x, school_leader_x, skip_holidays=False)
    assert event.holiday_skips == []
    client.force_login(school_leader_x)
    assert len(_dates_on_page(client, event)) == 6


def _feed(client, network) -> bytes:
    response = client.get(f"/events/feeds/networks/{network.pk}.ics")
    assert response.status_code == 200
    return response.content


def test_the_feed_carries_the_holidays_as_exdates_that_two_readers_agree_on(
    client, england_terms, network_x, school_leader_x
):
    _weekly(network_x, school_leader_x)
    body = _feed(client, network_x)
    # 1. The icalendar library reads the EXDATEs, in the event's zone.
    (master,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert sorted(d.dt for d in master["exdate"].dts) == HOLIDAY
    assert master["exdate"].params["TZID"] == "Europe/London"
    # 2. dateutil expands the feed's own DTSTART, RRULE and EXDATE lines to the dates in term.
    text = body.decode().replace("\r\n ", "")  # unfolded
    vevent = text[text.index("BEGIN:VEVENT") : text.index("END:VEVENT")].split("\r\n")
    lines = [line for line in vevent if line.split(":")[0].split(";")[0] in ("DTSTART", "RRULE", "EXDATE")]
    assert sorted(rrulestr("\n".join(lines), forceset=True)) == IN_TERM
    # 3. The file is well formed: CRLF line ends, lines of at most 75 octets, components balanced.
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    begins = [line[6:] for line in body.split(b"\r\n") if line.startswith(b"BEGIN:")]
    ends = [line[4:] for line in body.split(b"\r\n") if line.startswith(b"END:")]
    assert sorted(begins) == sorted(ends)


def test_registering_for_a_date_in_the_holidays_is_refused(
    england_terms, network_x, school_leader_x, teacher_x
):
    event = _weekly(network_x, school_leader_x)
    with pytest.raises(ValidationError, match="school holidays"):
        registration_create(event=event, occurrence_start=HOLIDAY[0], by=teacher_x)
    registration_create(event=event, occurrence_start=IN_TERM[2], by=teacher_x)


def test_new_term_dates_recompute_the_left_out_dates_but_keep_dates_people_registered_for(
    england_terms, network_x, school_leader_x, teacher_x
):
    event = _weekly(network_x, school_leader_x, skip_holidays=True)
    # Term dates that make 15 December a holiday too; someone registered for 15 December already.
    registration_create(event=event, occurrence_start=IN_TERM[1], by=teacher_x)
    rows = [
        {
            "authority": "",
            "kind": "term",
            "name": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-11",
        },
        {
            "authority": "",
            "kind": "term",
            "name": "Spring",
            "starts_on": "2027-01-04",
            "ends_on": "2027-03-26",
        },
    ]
    assert terms_load(country="eng", rows=rows, by=None) == 2
    event.refresh_from_db()
    assert event.holiday_skips == ["20261222T160000Z", "20261229T160000Z"]  # 15 December kept: registered
    assert "EXDATE" in event.ical and "20261222T160000" in event.ical
    assert Registration.objects.get().occurrence_start == IN_TERM[1]


def test_an_authoritys_own_term_dates_replace_the_countrys(
    england_terms, network_x, school_leader_x, school_x
):
    rows = list(csv.DictReader(countries.terms_file("eng").open(encoding="utf-8")))
    # School X's authority breaks up a week early: its own dates, Christmas from 14 December.
    rows += [
        {
            "authority": "A1",
            "kind": "term",
            "name": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-11",
        },
        {
            "authority": "A1",
            "kind": "term",
            "name": "Spring",
            "starts_on": "2027-01-04",
            "ends_on": "2027-03-26",
        },
    ]
    terms_load(country="eng", rows=rows, by=None)
    event = _weekly(network_x, school_leader_x, host_school=school_x)
    assert event.holiday_skips == ["20261215T160000Z", "20261222T160000Z", "20261229T160000Z"]


def test_a_file_with_a_bad_row_changes_nothing_and_names_the_row(england_terms):
    before = TermPeriod.objects.count()
    rows = [
        {
            "authority": "",
            "kind": "term",
            "name": "Autumn",
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-11",
        },
        {
            "authority": "ZZ",
            "kind": "term",
            "name": "Spring",
            "starts_on": "2027-01-04",
            "ends_on": "2027-03-26",
        },
        {
            "authority": "",
            "kind": "half-term",
            "name": "",
            "starts_on": "2027-02-15",
            "ends_on": "2027-02-19",
        },
        {"authority": "", "kind": "holiday", "name": "", "starts_on": "2027-02-19", "ends_on": "2027-02-15"},
    ]
    with pytest.raises(ValidationError) as refused:
        terms_load(country="eng", rows=rows, by=None)
    assert refused.value.messages == [
        "Row 3: no authority with the code ZZ.",
        "Row 4: the kind must be term or holiday.",
        "Row 5: the last day is before the first.",
    ]
    assert TermPeriod.objects.count() == before


def test_the_command_loads_the_countrys_shipped_dates(db, tmp_path):
    out = StringIO()
    call_command("terms_load", stdout=out)
    assert "loaded for eng" in out.getvalue()
    assert TermPeriod.objects.filter(country="eng").count() == len(
        countries.terms_file("eng").read_text().splitlines()[1:]
    )


def test_the_shipped_term_names_are_shown_in_the_readers_language(db, client, site_admin):
    """Egypt's terms and holidays (and England's and Wales') are stored as shipped, in English, and
    shown in each reader's language; a name typed in the admin is shown as typed."""
    from django.utils import translation

    from kindred.events.models import SHIPPED_TERM_NAMES

    for code in ("eng", "wls", "eg"):
        terms_load_file(path=countries.terms_file(code), country=code, by=None)
    shipped = set(TermPeriod.objects.values_list("name", flat=True))
    assert shipped <= SHIPPED_TERM_NAMES  # every shipped name is marked for the catalogues
    mid_year = TermPeriod.objects.filter(country="eg", name="Mid-year holiday").first()
    typed = TermPeriod(
        country="eg", kind="holiday", name="Moulid", starts_on=FIRST.date(), ends_on=FIRST.date()
    )
    with translation.override("ar"):
        assert mid_year.display_name == "إجازة نصف العام" and typed.display_name == "Moulid"
    with translation.override("cy"):
        assert mid_year.display_name == "Gwyliau canol y flwyddyn"
    client.force_login(site_admin)
    page = client.get("/admin/events/termperiod/?country=eg", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الفصل الدراسي الأول" in page and "عيد تحرير سيناء" in page and "First term" not in page
