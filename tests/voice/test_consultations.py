"""A region consults its schools: three schools answer, the owner reads counts, themes and an export."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import SchoolStaff, User
from kindred.schools.models import School
from kindred.voice.models import Answer, Response
from kindred.voice.selectors import asked_of, results
from kindred.voice.services import consultation_create, question_add, response_save, theme_tag


def leader_of(school: School) -> User:
    user = User.objects.create_user(email=f"head.{school.registry_id}@example.org", password=None)
    SchoolStaff.objects.create(user=user, school=school, role="leader")
    return user


def answer(consultation, school, by, day="", useful="", change=""):
    questions = list(consultation.questions.all())
    return response_save(
        consultation=consultation,
        school=school,
        by=by,
        answers={questions[0].pk: day, questions[1].pk: useful, questions[2].pk: change},
    )


@pytest.fixture
def three_schools(region_a, school_x, school_leader_x):
    other = [
        School.objects.create(
            registry_id=f"10000{i}",
            name=f"School {i}",
            region=region_a,
            local_authority=region_a.authorities.get(),
        )
        for i in (2, 3)
    ]
    return [(school_x, school_leader_x)] + [(s, leader_of(s)) for s in other]


def test_three_schools_answer_and_the_owner_reads_counts_means_and_themes(
    consultation, three_schools, system_leader
):
    (x, lx), (s2, l2), (s3, l3) = three_schools
    answer(consultation, x, lx, "Monday", "4", "More time for visits")
    answer(consultation, s2, l2, "Friday", "2", "Less travel")
    answer(consultation, s3, l3, "Monday", "5", "")
    answered, found = results(consultation)
    assert answered == 3
    day, useful, change = found
    assert day.overall.counts == {"Monday": 2, "Friday": 1}
    assert useful.overall.counts == (0, 1, 0, 1, 1) and useful.overall.mean == pytest.approx(11 / 3)
    assert useful.by_region == {"Region A": useful.overall}
    assert change.overall == 2
    texts = {a.text: a for a in change.texts}
    theme_tag(answer=texts["More time for visits"], name="visits", by=system_leader)
    theme_tag(answer=texts["Less travel"], name="travel", by=system_leader)
    theme_tag(answer=texts["Less travel"], name="visits", by=system_leader)
    assert results(consultation)[1][2].themes == {"visits": 2, "travel": 1}


def test_answering_again_replaces_the_schools_answers(consultation, school_x, school_leader_x):
    answer(consultation, school_x, school_leader_x, "Monday", "3", "x")
    answer(consultation, school_x, school_leader_x, "Friday", "", "")
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("choice", flat=True)) == ["Friday"]


def test_a_bad_answer_changes_nothing_and_says_which_question(consultation, school_x, school_leader_x):
    with pytest.raises(ValidationError) as caught:
        answer(consultation, school_x, school_leader_x, "Sunday", "9", "ok")
    assert any("Which day suits?" in m for m in caught.value.messages)
    assert any("from 1 to 5" in m for m in caught.value.messages)
    assert not Response.objects.exists()


def test_a_teacher_or_a_school_outside_the_region_cannot_answer(
    consultation, school_x, teacher_x, school_y, teacher_y
):
    with pytest.raises(ValidationError, match="leaders answer"):
        answer(consultation, school_x, teacher_x, "Monday")
    with pytest.raises(ValidationError, match="not asked of your school"):
        answer(consultation, school_y, leader_of(school_y), "Monday")


def test_a_closed_consultation_takes_no_answers(consultation, school_x, school_leader_x, system_leader):
    from kindred.voice.services import consultation_status_set

    consultation_status_set(consultation=consultation, status="closed", by=system_leader)
    with pytest.raises(ValidationError, match="not open"):
        answer(consultation, school_x, school_leader_x, "Monday")


def test_only_leaders_of_the_region_coordinators_and_admins_may_ask(
    region_a, region_b, system_leader, teacher_x, network_x, school_leader_x
):
    with pytest.raises(ValidationError):
        consultation_create(title="t", audience="region", region=region_b, by=system_leader)
    with pytest.raises(ValidationError):
        consultation_create(title="t", audience="national", by=system_leader)
    with pytest.raises(ValidationError):
        consultation_create(title="t", audience="network", network=network_x, by=teacher_x)
    assert (
        consultation_create(title="t", audience="network", network=network_x, by=school_leader_x).network
        == network_x
    )


def test_a_choice_question_needs_two_different_options(consultation, system_leader):
    from kindred.voice.services import consultation_create as create

    draft = create(title="draft", audience="region", region=consultation.region, by=system_leader)
    with pytest.raises(ValidationError, match="two different options"):
        question_add(consultation=draft, kind="choice", text="?", options=["Yes", "Yes"], by=system_leader)


def test_a_network_consultation_reaches_its_member_schools_leaders(network_x, school_leader_x, school_x):
    from kindred.voice.services import consultation_status_set

    asked = consultation_create(title="Rota", audience="network", network=network_x, by=school_leader_x)
    question_add(consultation=asked, kind="text", text="Anything?", by=school_leader_x)
    consultation_status_set(consultation=asked, status="open", by=school_leader_x)
    assert (asked, school_x) in asked_of(school_leader_x)


def test_the_results_page_and_export_show_counts_and_no_one_else_sees_them(
    client, consultation, three_schools, system_leader, teacher_x
):
    (x, lx), (s2, l2), _third = three_schools
    answer(consultation, x, lx, "Monday", "4", "=HYPERLINK(1)")
    answer(consultation, s2, l2, "Friday", "2", "")
    client.force_login(system_leader)
    page = client.get(f"/voice/{consultation.pk}/results/").content.decode()
    assert "2 of 3 schools have answered." in page
    assert "Mean 3.00 of 5 from 2 schools" in page
    rows = list(csv.reader(io.StringIO(client.get(f"/voice/{consultation.pk}/results.csv").content.decode())))
    assert ["Which day suits?", "all", "Monday", "1", ""] in rows
    client.force_login(teacher_x)
    assert client.get(f"/voice/{consultation.pk}/results/").status_code == 404


def test_a_leader_answers_through_the_form(client, consultation, school_x, school_leader_x):
    client.force_login(school_leader_x)
    url = f"/voice/{consultation.pk}/answer/{school_x.registry_id}/"
    questions = list(consultation.questions.all())
    bad = client.post(url, {f"q{questions[0].pk}": "Sunday"})
    assert bad.status_code == 400 and not Response.objects.exists()
    good = client.post(
        url, {f"q{questions[0].pk}": "Friday", f"q{questions[1].pk}": "5", f"q{questions[2].pk}": "Thanks"}
    )
    assert good.status_code == 302
    assert Response.objects.get().answers.count() == 3


def test_a_consultation_of_every_person_counts_people_and_their_schools_not_schools(
    client, three_schools, system_leader, region_a
):
    """Asked of each member of staff, the pages say how many people answered from how many schools
    (not "3 of 3 schools" for three people of one school), in every language."""
    from kindred.voice.services import consultation_status_set

    (x, lx), (s2, l2), _third = three_schools
    asked = consultation_create(
        title="Every voice", audience="region", region=region_a, by=system_leader, answered_by="person"
    )
    question_add(
        consultation=asked, kind="choice", text="Day?", options=["Monday", "Friday"], by=system_leader
    )
    question_add(consultation=asked, kind="scale", text="Useful?", scale_top=5, by=system_leader)
    question_add(consultation=asked, kind="text", text="Change?", by=system_leader)
    consultation_status_set(consultation=asked, status="open", by=system_leader)
    teachers = [lx]
    for i in range(2):
        teacher = User.objects.create_user(email=f"teacher{i}.{x.registry_id}@example.org", password=None)
        SchoolStaff.objects.create(user=teacher, school=x, role="teacher")
        teachers.append(teacher)
    for teacher, level in zip(teachers, ["4", "5", "3"], strict=True):
        answer(asked, x, teacher, "Monday", level)
    answer(asked, s2, l2, "Friday", "2")
    client.force_login(system_leader)
    results_page = client.get(f"/voice/{asked.pk}/results/").content.decode()
    assert "4 people from 2 of 3 schools have answered." in results_page
    assert "Mean 3.50 of 5 from 4 people" in results_page
    assert "schools have answered" not in results_page.replace(
        "4 people from 2 of 3 schools have answered", ""
    )
    assert "4 people from 2 of 3 schools have answered." in client.get(f"/voice/{asked.pk}/").content.decode()
    welsh = client.get(f"/voice/{asked.pk}/results/", headers={"accept-language": "cy"}).content.decode()
    arabic = client.get(f"/voice/{asked.pk}/results/", headers={"accept-language": "ar"}).content.decode()
    assert "Mae 4 o bobl o 2 o 3 ysgol wedi ateb." in welsh
    assert "أشخاص من 2 من 3 مدرسة" in arabic
