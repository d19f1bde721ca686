"""A network's impact page with its figures, in a real browser: Arabic (right to left) on a 360 px
phone without sideways scrolling, no serious axe-core finding, the downloads reachable by keyboard,
and the same content without JavaScript."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kindred.networks.models import Membership
from tests.browser.axe import serious_violations
from tests.browser.test_calendar_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_impact_page_in_arabic_on_a_phone_by_keyboard_and_without_javascript(
    page,
    planted,
    school_x,
    teacher_x,
):
    programme, networks = planted
    network = networks[int(programme.unit[np.flatnonzero(programme.panel.joined == 3)[0]])]
    Membership.objects.create(network=network, school=school_x)
    call_command("impact", recompute=True, stdout=StringIO())
    teacher_x.language = "ar"
    teacher_x.save(update_fields=["language"])
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, teacher_x.email)
    page.goto(f"/impact/networks/{network.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("svg").count() >= 2  # the effect and the year-by-year pictures
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []
    csv_link = page.get_by_role("link", name="تنزيل الأرقام (CSV)")
    for _ in range(200):  # Tab through the page until the download link has the focus
        page.keyboard.press("Tab")
        if csv_link.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the download link is not reachable by keyboard")
    with_script = page.content()
    context = page.context.browser.new_context(
        base_url=page.url.split("/impact/")[0], java_script_enabled=False
    )
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(f"/impact/networks/{network.pk}/")
    assert plain.locator("svg").count() == page.locator("svg").count()
    expect(plain.get_by_role("link", name="تنزيل الأرقام (CSV)")).to_be_visible()
    assert "تنزيل من شارك (CSV)" in with_script
    context.close()
