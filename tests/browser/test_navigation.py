"""The navigation on a 360 px phone: four items at the top, in two rows at most, the rest in groups
that open by keyboard and without JavaScript, mirrored in Arabic, never wider than the screen."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.axe import serious_violations
from tests.browser.navigation import navigate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TOP_LEVEL = "header.site nav > ul > li"


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def layout(page) -> dict:
    return page.evaluate(
        """(selector) => {
            const items = [...document.querySelectorAll(selector)].map(li => li.getBoundingClientRect());
            return {
                sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                // a new row starts where an item's top is below the previous row's by 10 px or more
                rows: items.map(r => r.top).sort((a, b) => a - b).filter((t, i, all) => i === 0 || t - all[i - 1] >= 10).length,
                count: items.length,
                first: items[0].left, second: items[1].left,
            };
        }""",
        TOP_LEVEL,
    )


def test_the_phone_navigation_has_four_items_in_two_rows_at_most_and_groups_open_by_keyboard(
    page, site_admin
):
    page.set_viewport_size(PHONE)
    page.set_default_timeout(30_000)
    sign_in(page, site_admin.email)
    shape = layout(page)
    assert (shape["count"], shape["sideways"]) == (4, 0) and shape["rows"] <= 2
    assert shape["first"] < shape["second"]  # left to right in English

    messageboards = page.locator("header.site nav").get_by_role("link", name="Messageboards")
    expect(messageboards).not_to_be_visible()
    # By keyboard: Tab to the group, Enter opens it, Tab reaches its first link, Enter follows it.
    page.locator("header.site .brand").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Working together":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    expect(messageboards).to_be_visible()
    assert layout(page)["sideways"] == 0  # the open group takes its own row
    assert serious_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Networks"
    page.keyboard.press("Enter")
    page.wait_for_url("**/networks/")


def test_the_groups_open_without_javascript_and_mirror_in_arabic(live_server, page, site_admin):
    site_admin.language = "ar"
    site_admin.save(update_fields=["language"])
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    try:
        phone = context.new_page()
        phone.set_default_timeout(30_000)
        sign_in_arabic(phone, site_admin.email)
        shape = layout(phone)
        assert phone.evaluate("document.documentElement.dir") == "rtl"
        assert (shape["count"], shape["sideways"]) == (4, 0) and shape["rows"] <= 2
        assert shape["first"] > shape["second"]  # right to left
        navigate(phone, "لوحات الرسائل")
        phone.wait_for_url("**/board/")
        assert layout(phone)["sideways"] == 0
    finally:
        context.close()


def sign_in_arabic(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
