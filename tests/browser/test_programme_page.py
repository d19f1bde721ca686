"""A programme's impact page with its figures, in a real browser: Arabic (right to left) on a 360 px phone
without sideways scrolling, no serious axe-core finding, the CSV of every number reachable by keyboard, the
print stylesheet hiding the site's navigation on paper."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.impact.services import cost_add, programme_create, programme_network_add
from tests.browser.axe import serious_violations
from tests.browser.test_calendar_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_programme_page_in_arabic_on_a_phone_by_keyboard_and_in_print(
    page, planted, region_a, system_leader
):
    _programme, networks = planted
    programme = programme_create(name="برنامج القراءة", kind="scheme", region=region_a, by=system_leader)
    for network in list(networks.values())[:5]:
        programme_network_add(programme=programme, network=network, by=system_leader)
    cost_add(
        programme=programme,
        description="تقييم",
        amount=Decimal("25000"),
        spent_on=dt.date(2026, 9, 1),
        by=system_leader,
    )
    call_command("impact", recompute=True, stdout=StringIO())
    system_leader.language = "ar"
    system_leader.save(update_fields=["language"])
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, system_leader.email)
    page.goto("/")
    page.locator("summary", has_text="الأدلة").click()  # the leaders' menu holds Programmes
    page.get_by_role("link", name="البرامج").click()
    page.get_by_role("link", name="برنامج القراءة").first.click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h2", has_text="القيمة مقابل المال").count() == 1
    assert page.locator("svg").count() >= 2  # the effect and the year-by-year pictures
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []
    numbers = page.get_by_role("link", name="تنزيل كل رقم في هذه الصفحة (CSV)")
    for _ in range(200):  # Tab through the page until the download link has the focus
        page.keyboard.press("Tab")
        if numbers.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the CSV of every number is not reachable by keyboard")
    page.emulate_media(media="print")
    expect(page.locator("nav").first).not_to_be_visible()
    expect(numbers).not_to_be_visible()
    expect(page.locator("h1")).to_be_visible()
