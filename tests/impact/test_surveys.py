"""A network's pre/post survey: every member of staff answers once (through the consultation machinery),
response rates, Likert means and the change with 95% intervals, nothing shown below the minimum."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kindred.accounts.models import SchoolStaff, User
from kindred.engine.survey import change, likert
from kindred.impact.models import Survey
from kindred.impact.selectors import survey_results
from kindred.impact.services import survey_create, survey_post_start
from kindred.networks.services import network_create
from kindred.voice.models import Consultation, Response

pytestmark = pytest.mark.django_db


def staff_of(school, n: int, role: str = "teacher") -> list[User]:
    people = []
    for i in range(n):
        user = User.objects.create_user(email=f"t{i}.{school.registry_id}@example.org", password=None)
        SchoolStaff.objects.create(user=user, school=school, role=role)
        people.append(user)
    return people


def answer(client: Client, user: User, consultation: Consultation, school, values: list[str]):
    client.force_login(user)
    questions = list(consultation.questions.all())
    return client.post(
        f"/voice/{consultation.pk}/answer/{school.registry_id}/",
        {f"q{q.pk}": v for q, v in zip(questions, values, strict=True)},
    )


@pytest.fixture
def survey(network_x, school_leader_x):
    return survey_create(
        network=network_x,
        title="Collaboration",
        statements=["I learn from colleagues in other schools", "I have tried something new"],
        questions=["What helped most?"],
        min_respondents=3,
        by=school_leader_x,
    )


def test_the_coordinator_opens_a_survey_on_the_network_page_and_it_is_a_consultation_of_people(
    network_x, school_leader_x, school_x
):
    client = Client()
    client.force_login(school_leader_x)
    impact = client.get(f"/impact/networks/{network_x.pk}/").content.decode()
    assert f"/impact/networks/{network_x.pk}/surveys/new/" in impact
    posted = client.post(
        f"/impact/networks/{network_x.pk}/surveys/new/",
        {
            "title": "Reading together",
            "statements": "I feel confident teaching reading\n\nI share resources",
            "questions": "What should change?",
            "scale_top": "5",
            "min_respondents": "4",
        },
    )
    assert posted.status_code == 302
    survey = Survey.objects.get()
    pre = survey.pre
    assert pre.network == network_x and pre.answered_by == Consultation.AnsweredBy.PERSON
    assert pre.status == Consultation.Status.OPEN and pre.min_respondents == 4
    assert [(q.kind, q.text) for q in pre.questions.all()] == [
        ("scale", "I feel confident teaching reading"),
        ("scale", "I share resources"),
        ("text", "What should change?"),
    ]


def test_every_member_of_staff_answers_once_and_may_change_their_answers(survey, school_x, teacher_x):
    client = Client()
    others = staff_of(school_x, 2)
    assert answer(client, teacher_x, survey.pre, school_x, ["2", "3", "Visits"]).status_code == 302
    assert answer(client, teacher_x, survey.pre, school_x, ["4", "3", ""]).status_code == 302
    assert answer(client, others[0], survey.pre, school_x, ["5", "5", ""]).status_code == 302
    # one response per person, not per school: two people of one school, the first's answer replaced
    assert Response.objects.filter(consultation=survey.pre).count() == 2
    mine = Response.objects.get(consultation=survey.pre, respondent=teacher_x)
    assert sorted(a.level for a in mine.answers.all() if a.level) == [3, 4]
    # a teacher sees what is asked of them (not only their school's leaders)
    client.force_login(others[1])
    listing = client.get("/voice/").content.decode()
    assert f"/voice/{survey.pre.pk}/answer/{school_x.registry_id}/" in listing


def test_results_are_hidden_below_the_minimum_then_shown_with_intervals_and_the_change(
    survey, school_x, teacher_x
):
    client = Client()
    people = [teacher_x, *staff_of(school_x, 5)]
    for person, level in zip(people[:2], ["4", "5"], strict=True):
        answer(client, person, survey.pre, school_x, [level, "3", "Time to visit"])
    client.force_login(teacher_x)
    page = client.get(f"/impact/networks/{survey.network_id}/").content.decode()
    assert "Too few answers to show" in page and "2 of" in page
    [found] = survey_results(network=survey.network)
    assert found.statements[0].pre is None and found.statements[0].pre_answered == 2
    assert not found.written[0].shown

    answer(client, people[2], survey.pre, school_x, ["3", "2", "More cover"])
    [found] = survey_results(network=survey.network)
    first = found.statements[0]
    expected = likert([4, 5, 3], top=5, minimum=3)
    assert first.pre == expected and first.pre is not None and first.pre.lower is not None
    assert found.pre.answered == 3 and found.pre.asked == 7  # the leader, teacher_x and five more
    page = client.get(f"/impact/networks/{survey.network_id}/").content.decode()
    assert f"{expected.mean:.2f}" in page and f"{expected.lower:.2f}" in page

    survey_post_start(survey=survey, by=User.objects.get(email="head.x@example.org"))
    survey.refresh_from_db()
    assert survey.pre.status == Consultation.Status.CLOSED and survey.post is not None
    for person, level in zip(people[:4], ["5", "5", "4", "5"], strict=True):
        answer(client, person, survey.post, school_x, [level, "4", ""])
    [found] = survey_results(network=survey.network)
    first = found.statements[0]
    assert first.change == change(expected, likert([5, 5, 4, 5], top=5, minimum=3))
    assert first.change is not None
    page = client.get(f"/impact/networks/{survey.network_id}/").content.decode()
    assert f"{first.change.difference:.2f}" in page and f"{first.change.lower:.2f}" in page


def test_only_the_networks_coordinators_start_surveys_and_rounds(
    survey, network_x, teacher_x, school_y, teacher_y
):
    client = Client()
    client.force_login(teacher_x)  # a member school's teacher
    assert client.get(f"/impact/networks/{network_x.pk}/surveys/new/").status_code == 403
    assert client.post(f"/impact/networks/{network_x.pk}/surveys/{survey.pk}/after/").status_code == 403
    other_coordinator = User.objects.create_user(email="coord.y@example.org", password=None)
    SchoolStaff.objects.create(user=other_coordinator, school=school_y, role="leader")
    network_create(name="Yew cluster", kind="cluster", region=school_y.region, by=other_coordinator)
    client.force_login(other_coordinator)
    assert client.get(f"/impact/networks/{network_x.pk}/surveys/new/").status_code == 403
    with pytest.raises(ValidationError):
        survey_create(network=network_x, title="Mine", statements=["x"], by=other_coordinator)
    survey.refresh_from_db()
    assert survey.post is None and Survey.objects.count() == 1


def test_staff_of_a_school_outside_the_network_cannot_answer(survey, school_y, teacher_y):
    client = Client()
    client.force_login(teacher_y)
    questions = list(survey.pre.questions.all())
    refused = client.post(
        f"/voice/{survey.pre.pk}/answer/{school_y.registry_id}/", {f"q{questions[0].pk}": "5"}
    )
    assert refused.status_code == 404
    assert not Response.objects.exists()


def test_a_survey_needs_statements_and_a_minimum_of_three(network_x, school_leader_x):
    with pytest.raises(ValidationError):
        survey_create(network=network_x, title="Empty", statements=["  "], by=school_leader_x)
    with pytest.raises(ValidationError):
        survey_create(
            network=network_x, title="Tiny", statements=["a"], min_respondents=2, by=school_leader_x
        )
    assert not Survey.objects.exists() and not Consultation.objects.exists()
