"""In real Chromium: a school rates itself, a partner reviews it, the network reads its heatmap and
builds a plan with progress; a region consults three schools and reads their answers."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kindred.accounts.models import SchoolStaff, User
from kindred.frameworks.models import Standard
from kindred.networks.services import membership_add
from kindred.plans.models import ProgressUpdate
from kindred.schools.models import School
from kindred.voice.models import Response
from tests.browser.navigation import navigate
from tests.frameworks.conftest import framework_example_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def framework(db):
    return framework_example_load()


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    navigate(page, re.compile("^Sign out"), role="button")


def leader(school: School, email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0])
    SchoolStaff.objects.create(user=user, school=school, role="leader")
    return user


def test_rate_review_heatmap_plan_and_progress(
    page, framework, school_x, school_y, school_leader_x, network_x
):
    head_y = leader(school_y, "head.y@example.org")
    membership_add(network=network_x, school=school_y, role="member", by=school_leader_x)
    standards = {s.code: s.pk for s in Standard.objects.filter(domain__version=framework)}

    # X's leader rates the school: curriculum weak, leadership strong.
    sign_in(page, school_leader_x.email)
    page.goto(f"/self-evaluation/schools/{school_x.registry_id}/")
    page.get_by_role("link", name="Rate the school (its own evaluation)").click()
    for code, level in {"L1": "4", "L2": "4", "L3": "3", "C1": "1", "C2": "2"}.items():
        page.locator(f"#id_level_{standards[code]}").select_option(level)
    page.locator(f"#id_evidence_{standards['C1']}").fill("Reading scheme not yet in place")
    page.get_by_label("Files for C1").set_input_files(
        {"name": "reading-audit.txt", "mimeType": "text/plain", "buffer": b"Audit of the reading scheme"}
    )
    page.get_by_role("button", name="Save the ratings").click()
    expect(page.get_by_text("Your ratings are saved.")).to_be_visible()
    expect(page.get_by_role("link", name="reading-audit.txt")).to_be_visible()
    assert "▼ need" in page.locator("section", has_text="Curriculum").inner_text()

    # ... and asks school Y for a peer review.
    page.get_by_label("Or another school: its name, town or registry id").fill(school_y.registry_id)
    page.get_by_role("button", name="Ask this school to review us").click()
    expect(page.get_by_text("The reviewing school's leaders can now rate your school.")).to_be_visible()
    sign_out(page)

    # Y's leader reviews X and sees it more kindly on C1.
    sign_in(page, head_y.email)
    page.goto("/self-evaluation/peer-reviews/")
    page.get_by_role("link", name=re.compile("Xavier Primary, reviewed by")).click()
    page.locator(f"#id_level_{standards['C1']}").select_option("3")
    page.get_by_role("button", name="Save the ratings").click()
    sign_out(page)

    # X's leader, the network's coordinator, sees the difference, the heatmap, and builds a plan.
    sign_in(page, school_leader_x.email)
    page.goto(f"/self-evaluation/schools/{school_x.registry_id}/")
    assert "◆ 2.0" in page.locator("section", has_text="Curriculum").inner_text()
    page.goto(f"/self-evaluation/networks/{network_x.pk}/")
    expect(page.get_by_role("heading", name="Shared needs")).to_be_visible()
    assert "Curriculum" in page.locator("h2:has-text('Shared needs') + p + ul").inner_text()
    page.get_by_role("link", name="Shared development plans").click()
    page.get_by_label("Title").fill("Reading together")
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_label("Priority").fill("Early reading")
    page.get_by_label("Domain").fill("curriculum")
    page.get_by_role("button", name="Add the priority").click()
    page.get_by_text("Add an action to “Early reading”").click()
    page.locator("#id_description").fill("Phonics training at Yew Tree")
    page.get_by_label("Owner school").select_option(label=str(school_y))
    page.get_by_role("button", name="Add the action").click()
    page.get_by_label("What happened").fill("First session held")
    page.get_by_role("button", name=re.compile("Report progress on")).click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()
    assert ProgressUpdate.objects.get().note == "First session held"
    assert "progress reported" in page.locator("section", has_text="History of the plan").inner_text()


def test_a_region_consults_three_schools_and_reads_the_answers(
    page, system_leader, region_a, school_x, school_leader_x
):
    others = [
        School.objects.create(
            registry_id=f"30000{i}",
            name=f"Ash {i} School",
            region=region_a,
            local_authority=region_a.authorities.get(),
        )
        for i in (1, 2)
    ]
    heads = [school_leader_x] + [leader(s, f"head{i}@example.org") for i, s in enumerate(others)]

    sign_in(page, system_leader.email)
    page.goto("/voice/new/")
    page.get_by_label("Title").fill("Joint CPD day")
    page.get_by_label("Asked of").select_option("region")
    page.get_by_label("Region").select_option(label="Region A")
    page.get_by_role("button", name="Create the consultation").click()
    page.get_by_label("Kind").select_option("scale")
    page.get_by_label("Question").fill("How useful was this year's CPD?")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_label("Kind").select_option("text")
    page.get_by_label("Question").fill("What should change?")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_role("button", name="Open it to the schools").click()
    sign_out(page)

    for head, (level, remark) in zip(
        heads, [("5", "More visits"), ("3", "Less travel"), ("4", "")], strict=True
    ):
        sign_in(page, head.email)
        page.goto("/voice/")
        page.get_by_role("link", name="Joint CPD day").click()
        page.get_by_label(level, exact=True).check()
        page.get_by_label("What should change?").fill(remark)
        page.get_by_role("button", name="Send your school's answers").click()
        expect(page.get_by_text("your school's answers are saved")).to_be_visible()
        sign_out(page)
    assert Response.objects.count() == 3

    sign_in(page, system_leader.email)
    page.goto("/voice/")
    page.get_by_role("link", name="results").click()
    expect(page.get_by_text("3 of 3 schools have answered.")).to_be_visible()
    expect(page.get_by_text("Mean 4.00 of 5 from 3 schools").first).to_be_visible()
    page.get_by_label("Theme").first.fill("visits")
    page.get_by_role("button", name="Tag").first.click()
    expect(page.get_by_text("visits · 1")).to_be_visible()
