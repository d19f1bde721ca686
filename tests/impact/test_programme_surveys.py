"""A programme's pre/post survey: asked of every member of staff of the schools of all its networks (the
consultation machinery, audience "networks"), its results on the programme's impact page and in its CSV,
hidden below the minimum; run by the programme's system leaders only."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.engine.survey import change, likert
from kindred.impact.models import Survey
from kindred.impact.selectors import survey_results
from kindred.impact.services import programme_create, programme_network_add, survey_create, survey_post_start
from kindred.networks.models import Network
from kindred.networks.services import membership_add, network_create
from kindred.schools.models import School
from kindred.voice.models import Consultation, Response

pytestmark = pytest.mark.django_db


def staff_of(school, n: int) -> list[User]:
    people = []
    for i in range(n):
        user = User.objects.create_user(email=f"p{i}.{school.registry_id}@example.org", password=None)
        SchoolStaff.objects.create(user=user, school=school, role="teacher")
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
def school_w(region_a):
    return School.objects.create(registry_id="100003", name="Willow Primary", region=region_a)


@pytest.fixture
def programme(network_x, school_w, school_leader_x, system_leader, region_a):
    """A programme of region A with two networks: network X (school X) and a cluster of school W."""
    willow = network_create(
        name="Willow cluster", kind=Network.Kind.CLUSTER, region=region_a, by=school_leader_x
    )
    membership_add(network=willow, school=school_w, by=school_leader_x)
    found = programme_create(name="Reading together", kind="scheme", region=region_a, by=system_leader)
    programme_network_add(programme=found, network=network_x, by=system_leader)
    programme_network_add(programme=found, network=willow, by=system_leader)
    return found


@pytest.fixture
def survey(programme, system_leader):
    return survey_create(
        programme=programme,
        title="Working together",
        statements=["I learn from colleagues in other schools"],
        questions=["What helped most?"],
        min_respondents=3,
        by=system_leader,
    )


def test_the_system_leader_opens_a_survey_on_the_programme_page_asking_all_its_networks(
    programme, system_leader, school_x, school_w
):
    client = Client()
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/").content.decode()
    assert "No survey yet." in page and f"/impact/programmes/{programme.pk}/surveys/new/" in page
    assert client.get(f"/impact/programmes/{programme.pk}/surveys/new/").status_code == 200
    posted = client.post(
        f"/impact/programmes/{programme.pk}/surveys/new/",
        {
            "title": "Confidence",
            "statements": "I feel confident teaching reading\nI share resources",
            "questions": "What should change?",
            "scale_top": "5",
            "min_respondents": "4",
        },
    )
    assert posted.status_code == 302 and posted["Location"] == f"/impact/programmes/{programme.pk}/"
    survey = Survey.objects.get()
    assert survey.programme == programme and survey.network is None
    pre = survey.pre
    assert pre.audience == Consultation.Audience.NETWORKS and pre.answered_by == "person"
    assert set(pre.networks.all()) == set(programme.networks.all())
    assert pre.status == Consultation.Status.OPEN and pre.min_respondents == 4
    assert [q.kind for q in pre.questions.all()] == ["scale", "scale", "text"]
    [found] = survey_results(programme=programme)
    # asked: every active member of staff of X (the leader) and W (none yet) — one person
    assert found.pre.asked == 1 and found.pre.answered == 0


def test_staff_of_every_network_of_the_programme_answer_and_see_it_under_consultations(
    survey, school_x, school_w, teacher_x
):
    client = Client()
    [willow_teacher] = staff_of(school_w, 1)
    assert answer(client, teacher_x, survey.pre, school_x, ["4", "Visits"]).status_code == 302
    assert answer(client, willow_teacher, survey.pre, school_w, ["5", ""]).status_code == 302
    assert answer(client, teacher_x, survey.pre, school_x, ["2", ""]).status_code == 302  # changed
    assert Response.objects.filter(consultation=survey.pre).count() == 2
    client.force_login(willow_teacher)
    listing = client.get("/voice/").content.decode()
    assert f"/voice/{survey.pre.pk}/answer/{school_w.registry_id}/" in listing


def test_staff_of_a_school_in_no_network_of_the_programme_cannot_answer(survey, school_y, teacher_y):
    client = Client()
    client.force_login(teacher_y)
    [question, _written] = survey.pre.questions.all()
    refused = client.post(f"/voice/{survey.pre.pk}/answer/{school_y.registry_id}/", {f"q{question.pk}": "5"})
    assert refused.status_code == 404
    assert f"/voice/{survey.pre.pk}/" not in client.get("/voice/").content.decode()
    assert not Response.objects.exists()


def test_results_on_the_programme_page_and_in_its_csv_only_from_the_minimum_of_answers(
    survey, programme, system_leader, school_x, school_w, teacher_x
):
    client = Client()
    people = [(teacher_x, school_x), *((p, school_x) for p in staff_of(school_x, 2))]
    people += [(p, school_w) for p in staff_of(school_w, 3)]
    for (person, school), level in zip(people[:2], ["4", "5"], strict=True):
        answer(client, person, survey.pre, school, [level, "Time to visit"])
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/").content.decode()
    assert "Working together" in page and "Too few answers to show" in page
    numbers = client.get(f"/impact/programmes/{programme.pk}/numbers.csv").content.decode()
    survey_rows = [r for r in csv.DictReader(io.StringIO(numbers)) if r["section"] == "survey"]
    assert {r["name"] for r in survey_rows} == {"asked_before", "answered_before", "response_rate_before"}

    answer(client, people[3][0], survey.pre, school_w, ["3", "More cover"])
    expected = likert([4, 5, 3], top=5, minimum=3)
    assert expected is not None and expected.lower is not None
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/").content.decode()
    assert f"{expected.mean:.2f}" in page and f"{expected.lower:.2f}" in page
    numbers = client.get(f"/impact/programmes/{programme.pk}/numbers.csv").content.decode()
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(numbers)) if r["section"] == "survey"}
    assert rows["answered_before"]["value"] == "3" and rows["asked_before"]["value"] == "7"
    assert float(rows["mean_before"]["value"]) == pytest.approx(expected.mean)
    assert float(rows["mean_before"]["lower"]) == pytest.approx(expected.lower, rel=1e-5)
    assert rows["mean_before"]["measure"] == "I learn from colleagues in other schools"
    assert rows["written_answers"]["value"] == "3"

    posted = client.post(f"/impact/programmes/{programme.pk}/surveys/{survey.pk}/after/")
    assert posted.status_code == 302
    survey.refresh_from_db()
    assert survey.pre.status == Consultation.Status.CLOSED and survey.post is not None
    for (person, school), level in zip(people[:4], ["5", "5", "4", "5"], strict=True):
        answer(client, person, survey.post, school, [level, ""])
    [found] = survey_results(programme=programme)
    first = found.statements[0]
    assert first.change == change(expected, likert([5, 5, 4, 5], top=5, minimum=3))
    assert first.change is not None
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/").content.decode()
    assert f"{first.change.difference:.2f}" in page and f"{first.change.lower:.2f}" in page
    numbers = client.get(f"/impact/programmes/{programme.pk}/numbers.csv").content.decode()
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(numbers)) if r["section"] == "survey"}
    assert float(rows["change"]["value"]) == pytest.approx(first.change.difference)


def test_the_second_round_asks_the_networks_the_programme_has_then(
    survey, programme, system_leader, school_leader_x, region_a
):
    late = School.objects.create(registry_id="100009", name="Late Primary", region=region_a)
    [late_teacher] = staff_of(late, 1)
    network = network_create(name="Late cluster", kind="cluster", region=region_a, by=school_leader_x)
    membership_add(network=network, school=late, by=school_leader_x)
    programme_network_add(programme=programme, network=network, by=system_leader)
    client = Client()
    assert answer(client, late_teacher, survey.pre, late, ["3", ""]).status_code == 404
    survey = survey_post_start(survey=survey, by=system_leader)
    assert survey.post is not None
    assert answer(client, late_teacher, survey.post, late, ["3", ""]).status_code == 302


def test_only_the_programmes_system_leaders_start_its_surveys_and_rounds(
    survey, programme, school_leader_x, teacher_x, region_b, site_admin
):
    client = Client()
    other_leader = User.objects.create_user(email="leader.b@example.org", password=None)
    RegionalRole.objects.create(user=other_leader, region=region_b)
    for person in (school_leader_x, teacher_x, other_leader):  # a coordinator of one of its networks too
        client.force_login(person)
        assert client.get(f"/impact/programmes/{programme.pk}/surveys/new/").status_code == 404
        assert client.post(f"/impact/programmes/{programme.pk}/surveys/{survey.pk}/after/").status_code == 404
        with pytest.raises(ValidationError):
            survey_create(programme=programme, title="Mine", statements=["x"], by=person)
        with pytest.raises(ValidationError):
            survey_post_start(survey=survey, by=person)
    client.logout()
    assert client.get(f"/impact/programmes/{programme.pk}/surveys/new/").status_code == 302  # sign in
    survey.refresh_from_db()
    assert survey.post is None and Survey.objects.count() == 1
    client.force_login(site_admin)
    assert client.get(f"/impact/programmes/{programme.pk}/surveys/new/").status_code == 200


def test_a_programme_without_networks_cannot_be_surveyed(system_leader, region_a):
    empty = programme_create(name="Empty", kind="scheme", region=region_a, by=system_leader)
    with pytest.raises(ValidationError):
        survey_create(programme=empty, title="Nobody", statements=["x"], by=system_leader)
    assert not Survey.objects.exists() and not Consultation.objects.exists()


def test_a_programme_survey_is_not_a_choice_on_the_consultation_form(system_leader):
    client = Client()
    client.force_login(system_leader)
    form = client.get("/voice/new/").content.decode()
    assert 'value="networks"' not in form
