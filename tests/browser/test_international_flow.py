"""In a real browser (issue 23, item 2): a teacher in Egypt and a teacher in Wales in one international
network, each reading it in their own language with their own numerals: the network page (its
countries, each member school in its own country's words) and its meeting's time in both countries.
The Egyptian teacher reads Arabic, right to left, in Eastern Arabic digits; the Welsh teacher reads
Welsh in Western digits, and finds a partner school in Egypt teaching in Arabic once she asks the
partner finder for other countries. Every wait is Playwright's, bounded by the page's default timeout."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.networks.partner_finder import partner_profile_save
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 10:00 in London in January (GMT) is 12:00 in Cairo (EET).
START = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(nile_and_taff, school_leader_x):
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


def sign_in(page, email: str) -> None:
    """Sign in on the log-in page whatever its language (by the fields' ids and the form's button)."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)


def test_a_teacher_in_egypt_and_a_teacher_in_wales_read_their_network_in_their_own_words(
    page, live_server, nile_and_taff, meeting, teacher_cairo, teacher_cardiff, cairo, site_admin
):
    violations = []
    partner_profile_save(
        school=cairo,
        by=site_admin,
        instruction_languages=["ar", "en"],
        interests="robotics",
        open_to_partners=True,
    )

    # Mona, in Cairo, reads Arabic: right to left, Eastern Arabic digits, each school in its words.
    sign_in(page, teacher_cairo.email)
    page.goto(nile_and_taff.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("الدول")
    expect(facts).to_contain_text("ويلز · مصر")
    expect(facts).to_contain_text("٢")  # two member schools, in Eastern Arabic digits
    members = page.locator("section[aria-labelledby=members] table")
    expect(members).to_contain_text("إعدادي · الإدارة التعليمية: East Nasr City · مصر")
    expect(members).to_contain_text("ثانوي · المجلس: Cardiff · ويلز")
    expect(page.get_by_text("دولية", exact=True)).to_be_visible()
    violations += serious_violations(page)
    page.goto(meeting.get_absolute_url())
    expect(page.locator("dl.facts")).to_contain_text("في كل دولة")
    expect(page.locator("dl.facts")).to_contain_text("١٠:٠٠ ويلز · ١٢:٠٠ مصر")
    violations += serious_violations(page)

    # Rhian, in Cardiff, reads Welsh, left to right, in Western digits, in another browser.
    welsh = page.context.browser.new_context(base_url=live_server.url).new_page()
    welsh.set_default_timeout(15_000)
    sign_in(welsh, teacher_cardiff.email)
    welsh.goto(nile_and_taff.get_absolute_url())
    expect(welsh.locator("html")).to_have_attribute("lang", "cy")
    expect(welsh.locator("html")).to_have_attribute("dir", "ltr")
    expect(welsh.locator("dl.facts")).to_contain_text("Cymru · Yr Aifft")
    members = welsh.locator("section[aria-labelledby=members] table")
    expect(members).to_contain_text("Paratoadol · Gweinyddiaeth addysg: East Nasr City · Yr Aifft")
    expect(members).to_contain_text("Uwchradd · Cyngor: Cardiff · Cymru")
    violations += serious_violations(welsh)
    welsh.goto(meeting.get_absolute_url())
    expect(welsh.locator("dl.facts")).to_contain_text("Ym mhob gwlad")
    expect(welsh.locator("dl.facts")).to_contain_text("10:00 Cymru · 12:00 Yr Aifft")
    violations += serious_violations(welsh)

    # She looks for a partner school abroad that teaches in Arabic: only when she asks for other
    # countries does the finder look beyond Wales.
    welsh.goto("/networks/partners/")
    expect(welsh.locator("main")).not_to_contain_text("Nasr City Preparatory School")
    welsh.locator("#id_country").select_option("other")
    welsh.locator("#id_language").select_option("ar")
    welsh.locator("main form[role=search] button[type=submit]").click()
    found = welsh.locator("main table")
    expect(found).to_contain_text("Nasr City Preparatory School")
    expect(found).to_contain_text("Paratoadol")
    expect(found).to_contain_text("Yr Aifft")
    expect(found).to_contain_text("robotics")
    violations += serious_violations(welsh)
    assert violations == []
