"""Consultations' results: aggregated only (counts and means; never an answer, its school or its
author, never free text), only to whom the results page shows them (voice.access: the owner and
site admins; everyone else 404), and no group with fewer answers than the consultation's
`min_respondents`."""

import pytest

from kindred.accounts.models import SchoolStaff
from kindred.networks.services import membership_add
from kindred.schools.models import School
from kindred.voice.models import Answer
from kindred.voice.services import response_save, theme_tag
from tests.api.conftest import bearer
from tests.voice.conftest import open_consultation

pytestmark = pytest.mark.django_db

TITLE = "Joint CPD next year"


@pytest.fixture
def three_answers(api_world, region_a, school_leader_x):
    """Two more schools of region A answer, three in all (the fewest shown by default is 5)."""
    consultation = api_world["consultation"]
    choice, scale, text = consultation.questions.all()
    for i, (day, level) in enumerate((("Friday", "2"), ("Monday", "3"))):
        school = School.objects.create(registry_id=f"70000{i}", name=f"School {i}", region=region_a)
        SchoolStaff.objects.create(user=school_leader_x, school=school, role="leader")
        response_save(
            consultation=consultation,
            school=school,
            answers={choice.pk: day, scale.pk: level, text.pk: f"Private remark {i}"},
            by=school_leader_x,
        )
    consultation.min_respondents = 3
    consultation.save()
    return consultation


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("system_leader", 200),  # its owner
        ("site_admin", 200),
        ("school_leader_x", 404),  # answered it for school X: answers, never reads the results
        ("teacher_x", 404),
        ("teacher_y", 404),
        ("leader_b", 404),
    ],
)
def test_only_the_owner_and_site_admins_read_the_results_or_see_the_consultation_listed(
    persona, status, api_world, request
):
    client = bearer(request.getfixturevalue(persona))
    consultation = api_world["consultation"]
    assert client.get(f"/api/v1/consultations/{consultation.pk}/results").status_code == status
    listed = [c["title"] for c in client.get("/api/v1/consultations").json()["items"]]
    assert listed == ([TITLE] if status == 200 else [])


def test_results_are_counts_and_means_never_an_answer(three_answers, system_leader):
    consultation = three_answers
    text_answer = Answer.objects.filter(question__kind="text").first()
    theme_tag(answer=text_answer, name="Group size", by=system_leader)
    response = bearer(system_leader).get(f"/api/v1/consultations/{consultation.pk}/results")
    body = response.json()
    assert (body["title"], body["asked"], body["answered"], body["min_respondents"]) == (TITLE, 3, 3, 3)
    choice, scale, text = body["questions"]
    assert choice["overall"] == {"answered": 3, "counts": {"Monday": 2, "Friday": 1}, "mean": None}
    assert scale["overall"] == {
        "answered": 3,
        "counts": {"1": 0, "2": 1, "3": 1, "4": 1, "5": 0},
        "mean": 3.0,
    }
    assert [g["group"] for g in scale["by_region"]] == ["Region A"]
    assert text["overall"] == {"answered": 3, "counts": {}, "mean": None}
    assert text["themes"] == {"Group size": 1}
    for secret in ("Private remark", "Smaller groups", "100001", "Xavier", "head.x"):
        assert secret not in response.text


def test_a_group_with_fewer_answers_than_the_consultation_asks_is_left_out(three_answers, system_leader):
    consultation = three_answers
    consultation.min_respondents = 4
    consultation.save()
    body = bearer(system_leader).get(f"/api/v1/consultations/{consultation.pk}/results").json()
    for question in body["questions"]:
        assert question["overall"] is None
        assert question["by_region"] == question["by_network"] == [] and question["themes"] == {}


def test_one_schools_answers_are_never_shown_alone(api_world, system_leader):
    """The world's consultation has one answer (school X's): below the fewest, nothing is shown."""
    body = bearer(system_leader).get(f"/api/v1/consultations/{api_world['consultation'].pk}/results").json()
    assert body["answered"] == 1
    assert [q["overall"] for q in body["questions"]] == [None, None, None]


def test_a_network_the_owner_may_not_see_is_not_named_among_the_groups(
    three_answers, private_network_x, leader_b, region_b, school_x, network_x, school_leader_x
):
    """Region B's leader owns a national consultation; school X and its neighbours answer it. The
    public network is named as a group, the private cluster (which B's leader may not see) is not."""
    consultation = open_consultation(leader_b, region_b)
    consultation.audience, consultation.region = "national", None
    consultation.min_respondents = 3
    consultation.save()
    choice = consultation.questions.first()
    for school in School.objects.filter(region=school_x.region):
        for network in (network_x, private_network_x):
            if not network.memberships.filter(school=school).exists():
                membership_add(network=network, school=school, role="member", by=school_leader_x)
        response_save(
            consultation=consultation,
            school=school,
            answers={choice.pk: "Monday"},
            by=SchoolStaff.objects.filter(school=school, role="leader").first().user,
        )
    response = bearer(leader_b).get(f"/api/v1/consultations/{consultation.pk}/results")
    assert [g["group"] for g in response.json()["questions"][0]["by_network"]] == [network_x.name]
    assert private_network_x.name not in response.text


def test_a_region_token_reaches_only_its_regions_consultations(api_world, site_admin, region_a, region_b):
    consultation = api_world["consultation"]
    other = bearer(site_admin, region=region_b)
    assert other.get(f"/api/v1/consultations/{consultation.pk}/results").status_code == 404
    assert other.get("/api/v1/consultations").json()["items"] == []
    own = bearer(site_admin, region=region_a)
    assert own.get(f"/api/v1/consultations/{consultation.pk}/results").status_code == 200


@pytest.mark.parametrize("consultation_id", ["18446744073709551615", "9223372036854775808", "0"])
def test_a_consultation_id_no_database_can_hold_is_refused(api_world, system_leader, consultation_id):
    assert bearer(system_leader).get(f"/api/v1/consultations/{consultation_id}/results").status_code == 422


def test_an_unknown_consultation_is_404(api_world, system_leader):
    assert bearer(system_leader).get("/api/v1/consultations/999999/results").status_code == 404
