"""In a real browser, in Welsh, on a 360 px phone: a coordinator goes from the network's page to
"New event" for the network, builds "every month on the second Tuesday, six times" with the
builder, sees the dates and the rule in Welsh words before saving, and creates the event; the
event's page says the rule in Welsh. No serious axe-core finding; the same without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from kindred.events.models import Event
from tests.browser.axe import serious_violations
from tests.browser.test_calendar_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "Bob mis ar yr ail Dydd Mawrth, 6 gwaith"


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def _build(page, network, *, script: bool = True) -> list:
    """Build the event through the page; with `script`, axe and the sideways-scroll check run on
    each step (they run script in the page: without JavaScript Playwright's evaluate never returns,
    and the page is the same HTML)."""
    violations = []

    def checked() -> None:
        if script:
            violations.extend(serious_violations(page))
            assert _no_sideways_scroll(page)

    page.goto(f"/networks/{network.pk}/")
    page.get_by_role("link", name=f"Digwyddiad newydd yn {network.name}").click()
    checked()
    page.get_by_label("Teitl").fill("Arweinwyr darllen")
    page.get_by_label(re.compile("^Math:?$")).select_option(label="Cyfarfod rhwydwaith")
    page.get_by_label("Yn dechrau").fill("2027-01-12T16:00")
    page.get_by_label("Yn gorffen").fill("2027-01-12T17:00")
    page.get_by_label("Bob mis, neu bob ychydig fisoedd").check()
    page.get_by_label("Diwrnod o'r wythnos yn y mis (e.e. yr ail ddydd Mawrth)").check()
    page.get_by_label("Pa un").select_option(label="ail")
    page.get_by_label(re.compile("^Diwrnod o'r wythnos:?$")).select_option(label="Dydd Mawrth")
    page.get_by_label("Ar ôl nifer o ddyddiadau").check()
    page.get_by_label("Nifer y dyddiadau").fill("6")
    page.get_by_role("button", name="Dangos y dyddiadau").click()
    preview = page.get_by_role("status").filter(has_text="Y dyddiadau")
    assert WORDS in preview.inner_text()
    assert preview.locator("li").count() == 6
    assert not Event.objects.exists()  # showing the dates saves nothing
    checked()
    page.get_by_role("button", name="Creu'r digwyddiad").click()
    expect(page.get_by_text("Digwyddiad wedi'i greu.")).to_be_visible()
    expect(page.get_by_text(WORDS)).to_be_visible()
    checked()
    return violations


def test_a_coordinator_builds_a_repeating_event_in_welsh_on_a_phone(page, network_x, school_leader_x):
    school_leader_x.language = "cy"
    school_leader_x.save(update_fields=["language"])
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, school_leader_x.email)
    assert page.locator("html").get_attribute("lang") == "cy"
    violations = _build(page, network_x)
    event = Event.objects.get()
    assert event.rrule == "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU"
    assert event.network == network_x
    assert violations == []


def test_the_builder_works_without_javascript(page, network_x, school_leader_x):
    school_leader_x.language = "cy"
    school_leader_x.save(update_fields=["language"])
    sign_in(page, school_leader_x.email)
    origin = "/".join(page.url.split("/")[:3])
    context = page.context.browser.new_context(base_url=origin, java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.set_viewport_size({"width": 360, "height": 740})
    plain.set_default_timeout(15_000)
    _build(plain, network_x, script=False)
    context.close()
    assert Event.objects.get().rrule == "FREQ=MONTHLY;COUNT=6;BYDAY=+2TU"
