"""In a real browser (issue 23, item 6): a region's system leader asks the advisory council a
question; a member reading Kindred in Arabic on a phone-sized screen answers it; the leader reads
the results, closes it and publishes a response back; the member reads it, in Arabic around the
leader's own words, beside their own answer. No serious or critical accessibility violation on the
way (axe-core)."""

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import SchoolStaff, User
from kindred.schools.models import School
from kindred.voice.models import Consultation, Publication
from kindred.voice.services import response_save
from tests.browser.axe import serious_violations
from tests.browser.test_network_flow import sign_in
from tests.voice.conftest import council_with_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_council_is_asked_a_member_answers_in_arabic_and_the_leaders_publish_back(
    page, system_leader, teacher_x, region_a
):
    others = []
    for i in range(2):
        school = School.objects.create(registry_id=f"40000{i}", name=f"Council School {i}", region=region_a)
        others.append(User.objects.create_user(email=f"member{i}@example.org", password=None))
        SchoolStaff.objects.create(user=others[-1], school=school, role="teacher")
    council = council_with_members(system_leader, region=region_a, members=[teacher_x, *others])
    teacher_x.language = "ar"
    teacher_x.save(update_fields=["language"])
    violations = []

    # The leader asks the council one question and opens it.
    sign_in(page, system_leader.email)
    page.goto(council.get_absolute_url())
    violations += serious_violations(page)
    page.get_by_role("link", name="Ask the members something").click()
    page.wait_for_url("**/consultations/new/")
    violations += serious_violations(page)
    page.locator('[name="title"]').fill("Exam entry dates")
    page.get_by_role("button", name="Create the consultation").click()
    page.locator('[name="kind"]').select_option("choice")
    page.locator('[name="text"]').fill("Which series suits?")
    page.locator('[name="options"]').fill("June\nNovember")
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Question added.")).to_be_visible()
    page.get_by_role("button", name="Open it to the members").click()
    consultation = Consultation.objects.get(council=council)
    expect(page.get_by_text("Open for answers")).to_be_visible()
    page.context.clear_cookies()

    # The member, in Arabic on a phone, finds it among what is asked of them and answers.
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, teacher_x.email)
    page.goto("/voice/")
    page.get_by_role("link", name="Exam entry dates").click()
    violations += serious_violations(page)
    expect(page.get_by_text("دون اسمك أو مدرستك", exact=False)).to_be_visible()  # anonymous
    page.get_by_label("June").check()
    page.get_by_role("button", name="أرسل إجاباتك").click()
    expect(page.get_by_text("شكرًا لك: حُفظت إجاباتك.")).to_be_visible()
    page.context.clear_cookies()
    question = consultation.questions.get()
    for person in others:
        school = person.school_roles.get().school
        response_save(consultation=consultation, school=school, by=person, answers={question.pk: "November"})

    # The leader reads the results, closes the consultation and publishes a response.
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, system_leader.email)
    page.goto(f"/voice/{consultation.pk}/results/")
    expect(page.get_by_text("3 of the council's 3 members have answered.")).to_be_visible()
    violations += serious_violations(page)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("button", name="Close it to answers").click()
    page.goto(f"/voice/{consultation.pk}/results/")
    page.get_by_label("What you make of the answers, for the council's members").fill(
        "November it is: two of three prefer it."
    )
    page.get_by_role("button", name="Publish the response").click()
    expect(page.get_by_text("Your response is published to the council's members.")).to_be_visible()
    assert Publication.objects.get(consultation=consultation).with_results
    page.context.clear_cookies()

    # The member reads it back in Arabic, with the results and their own answer.
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, teacher_x.email)
    page.goto(council.get_absolute_url())
    page.get_by_role("link", name="Exam entry dates").click()
    expect(page.get_by_role("heading", name="ما يستخلصه القادة من الإجابات")).to_be_visible()
    expect(page.get_by_text("November it is: two of three prefer it.")).to_be_visible()
    expect(page.get_by_role("heading", name="إجاباتك")).to_be_visible()
    expect(page.locator("dd", has_text="June")).to_be_visible()
    violations += serious_violations(page)
    assert violations == []
