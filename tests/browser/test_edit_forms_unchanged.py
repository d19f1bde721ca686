"""In real Chromium: every form that edits something that already exists, submitted exactly as it is
shown, saves without an error and changes nothing (issue 20 item 11: the network edit form answered
400 "Unknown network fields: kind, region" to its own fields)."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib import admin

from conftest import PASSWORD
from kindred.board.services import thread_create
from kindred.brokering.services import capacity_set
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.frameworks.models import Rating, Standard
from kindred.frameworks.services import ratings_save
from kindred.networks.models import Network
from kindred.networks.services import profile_update
from kindred.voice.models import Question
from kindred.voice.services import response_save
from tests.browser.navigation import navigate
from tests.frameworks.conftest import framework_example_load
from tests.voice.conftest import open_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    navigate(page, re.compile("^Sign out"), role="button")


def submit_unchanged(page, url: str, button) -> str:
    """Open `url`, press its submit `button` without touching a field; the problem, or ''."""
    page.goto(url)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        button(page).click()
    page.wait_for_load_state()
    status = posted.value.status
    if status >= 400:
        alerts = page.locator(".errorlist, [role=alert], .messages .error").all_inner_texts()
        return f"{url}: {status} {' / '.join(a.strip() for a in alerts)}"
    return ""


def save(name: str):
    return lambda page: page.locator("main").get_by_role("button", name=name, exact=True)


@pytest.fixture
def everything(network_x, school_x, school_leader_x, teacher_x, system_leader, region_a):
    """One of each thing that has an edit form, filled in as people would."""
    profile_update(
        user=teacher_x, job_title="Reading lead", subjects="reading, phonics", offer="Ten years in KS1"
    )
    post = thread_create(network=network_x, by=teacher_x, title="Phonics", body="Which scheme?").posts.get()
    start = datetime(2030, 1, 8, 16, tzinfo=UTC)
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TRAINING,
        title="Reading for pleasure",
        starts_at=start,
        ends_at=start.replace(hour=17),
        time_zone="Europe/London",
        capacity=3,
        host_school=school_x,
    )
    capacity_set(school=school_x, schools=2, by=school_leader_x)
    consultation = open_consultation(system_leader, region_a)
    answers = {}
    for question in consultation.questions.all():
        answers[question.pk] = {
            Question.Kind.CHOICE: "Friday",
            Question.Kind.SCALE: "4",
            Question.Kind.TEXT: "More lesson study",
        }[question.kind]
    response_save(consultation=consultation, school=school_x, answers=answers, by=school_leader_x)
    version = framework_example_load()
    standards = Standard.objects.filter(domain__version=version).order_by("pk")
    ratings_save(
        school=school_x,
        version=version,
        year=2026,
        kind="self",
        levels={s.pk: (1 + i % 4, f"note {i}") for i, s in enumerate(standards)},
        by=school_leader_x,
    )
    return {"post": post, "event": event, "consultation": consultation, "version": version}


def test_every_edit_form_submitted_unchanged_saves_and_changes_nothing(
    page, everything, network_x, school_x, school_leader_x, teacher_x, site_admin
):
    problems = []
    post_body = everything["post"].body
    event_before = Event.objects.filter(pk=everything["event"].pk).values().get()
    ratings_before = sorted(Rating.objects.values_list("standard_id", "level", "evidence"))
    network_before = Network.objects.filter(pk=network_x.pk).values().get()
    event = everything["event"]
    rid = school_x.registry_id

    sign_in(page, teacher_x.email)
    for url, button in [
        ("/people/me/", save("Save")),
        (f"/board/posts/{everything['post'].pk}/edit/", save("Save the post")),
        ("/board/notifications/settings/", save("Save")),
    ]:
        problems.append(submit_unchanged(page, url, button))
    sign_out(page)

    sign_in(page, school_leader_x.email)
    for url, button in [
        (f"/networks/{network_x.pk}/edit/", save("Save")),
        (f"/events/{event.pk}/edit/", save("Save the changes")),
        (f"/events/{event.pk}/", lambda page: page.locator("form[action$='/places/'] button")),
        (f"/schools/{rid}/capacity/", save("Save")),
        (f"/voice/{everything['consultation'].pk}/answer/{rid}/", save("Send your school's answers")),
        (
            f"/self-evaluation/schools/{rid}/rate/self/?version={everything['version'].pk}&year=2026",
            save("Save the ratings"),
        ),
    ]:
        problems.append(submit_unchanged(page, url, button))
    sign_out(page)

    # The site admin: the network's edit form, then every change form of the admin site.
    sign_in(page, site_admin.email)
    problems.append(submit_unchanged(page, f"/networks/{network_x.pk}/edit/", save("Save")))
    admin_forms = 0
    for model in admin.site._registry:
        row = model.objects.order_by("pk").first()
        if row is None:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{row.pk}/change/"
        page.goto(url)
        button = page.locator("input[type=submit][name=_save]")
        if not button.count():  # a read-only admin (the audit log): nothing to submit
            continue
        problems.append(submit_unchanged(page, url, lambda page: page.locator("input[name=_save]")))
        admin_forms += 1
        if page.locator(".errornote").count():
            problems.append(f"{url}: {page.locator('.errornote').inner_text()}")

    assert [p for p in problems if p] == []
    assert admin_forms >= 8  # schools, people, networks, memberships, board, events, library, offers
    everything["post"].refresh_from_db()
    assert everything["post"].body == post_body
    assert Event.objects.filter(pk=everything["event"].pk).values().get() == event_before
    assert sorted(Rating.objects.values_list("standard_id", "level", "evidence")) == ratings_before
    assert Network.objects.filter(pk=network_x.pk).values().get() == network_before
