"""In a real browser (issue 23, item 3): a teacher reading Kindred in Welsh, on a phone-sized screen,
starts an informal group from the Networks page and asks to make it a formal network; the system
leader over them finds it among the informal groups of their area and approves. No serious or
critical accessibility violation on the way (axe-core)."""

import pytest
from playwright.sync_api import expect

from kindred.networks.models import Network
from tests.browser.axe import serious_violations
from tests.browser.test_network_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teacher_starts_a_group_in_welsh_and_the_leader_over_them_makes_it_formal(
    page, teacher_x, system_leader
):
    teacher_x.language = "cy"
    teacher_x.save(update_fields=["language"])
    page.set_viewport_size({"width": 360, "height": 740})
    violations = []

    sign_in(page, teacher_x.email)
    page.goto("/networks/")
    page.get_by_role("link", name="Dechrau grŵp anffurfiol").click()
    page.wait_for_url("**/networks/new/")
    violations += serious_violations(page)
    page.locator('[name="name"]').fill("Arweinwyr darllen")
    page.locator('[name="kind"]').select_option("subject")
    page.locator('[name="subject"]').fill("Darllen")
    page.get_by_role("button", name="Dechrau'r grŵp").click()

    expect(page.get_by_role("heading", name="Arweinwyr darllen")).to_be_visible()
    expect(page.get_by_role("heading", name="Grŵp anffurfiol")).to_be_visible()
    violations += serious_violations(page)
    group = Network.objects.get(name="Arweinwyr darllen")
    assert group.informal and group.started_by == teacher_x

    page.locator("#formal_message").fill("Mae naw ysgol yn cynllunio gyda'i gilydd")
    page.get_by_role("button", name="Gofyn i'r arweinwyr ei wneud yn rhwydwaith ffurfiol").click()
    expect(page.get_by_text("Mae'r arweinwyr dros aelodau'r grŵp wedi cael eu gofyn.")).to_be_visible()
    page.context.clear_cookies()

    sign_in(page, system_leader.email)
    page.goto("/networks/")
    page.get_by_role("link", name="Informal groups in your area").click()
    page.wait_for_url("**/networks/groups/")
    expect(page.get_by_text("Asks to become a formal network")).to_be_visible()
    violations += serious_violations(page)
    page.get_by_role("link", name="Arweinwyr darllen").click()
    expect(page.get_by_text("Mae naw ysgol yn cynllunio gyda'i gilydd")).to_be_visible()  # why they ask
    page.locator("#decide_reason").fill("Welcome: the region will fund a rota")
    page.get_by_role("button", name="Make it a formal network").click()
    expect(page.get_by_text("It is a formal network now.")).to_be_visible()
    # The ask and its answer stay on the page, under "Started as an informal group".
    expect(page.get_by_role("heading", name="Started as an informal group")).to_be_visible()
    expect(page.get_by_text("Welcome: the region will fund a rota")).to_be_visible()
    violations += serious_violations(page)

    group.refresh_from_db()
    assert not group.informal
    assert group.formal_requests.get().status == "approved"
    assert violations == []
