"""A network's evidence pack in a real browser: Arabic (right to left) on a 360 px phone without
sideways scrolling, no serious axe-core finding, the CSV, a letter and the letter form reachable by
keyboard, and on paper (print media) without navigation or forms."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.test_calendar_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _tab_to(page, locator, what: str) -> None:
    for _ in range(300):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{what} is not reachable by keyboard")


def test_the_evidence_pack_in_arabic_on_a_phone_by_keyboard_and_on_paper(page, pack_network, school_leader_x):
    school_leader_x.language = "ar"
    school_leader_x.save(update_fields=["language"])
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, school_leader_x.email)
    page.goto(f"/networks/{pack_network.pk}/")
    page.get_by_role("link", name="ملف أدلة الشبكة لتقديم طلب (قابل للطباعة)").click()
    page.wait_for_url(f"**/impact/networks/{pack_network.pk}/pack/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.get_by_role("heading", name="تاريخ العمل المشترك")).to_be_visible()
    assert "مناطق متباينة:" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []
    _tab_to(page, page.get_by_role("link", name="تنزيل الأرقام (CSV)"), "the CSV link")
    _tab_to(page, page.get_by_role("link", name="من Authority A1 director", exact=False), "the letter")
    summary = page.locator("summary", has_text="أضف رسالة دعم")
    _tab_to(page, summary, "the letter form")
    page.keyboard.press("Enter")
    expect(page.get_by_label("من (كاتب الرسالة)")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("form").first).not_to_be_visible()
    expect(page.get_by_role("link", name="تنزيل الأرقام (CSV)")).not_to_be_visible()
    expect(page.get_by_role("heading", name="الأثر حتى الآن")).to_be_visible()
    # Removing the letter, by keyboard: the button asks first (a page of its own, no JavaScript needed).
    page.emulate_media(media="screen")
    remove = page.get_by_role("button", name="إزالة الخطاب من Authority A1 director")
    _tab_to(page, remove, "the letter's remove button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("إزالة الخطاب من Authority A1 director، المؤرخ", exact=False)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="إزالة الخطاب", exact=True).click()
    page.wait_for_url(f"**/impact/networks/{pack_network.pk}/pack/")
    expect(page.get_by_text("لم تُضف أي رسالة دعم بعد.")).to_be_visible()
