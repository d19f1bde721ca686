"""The demo's survey and evidence-pack letters, built through the services on a small network."""

import pytest
from django.test import Client

from kindred.demo.impact import demo_impact_create, impact_demo_create
from kindred.impact.pack import network_pack
from kindred.impact.selectors import survey_results
from kindred.networks.services import membership_add
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def test_the_demo_survey_has_results_before_and_after_and_the_pack_two_letters(
    network_x, school_leader_x, system_leader, site_admin, region_a
):
    for i in range(2):
        school = School.objects.create(registry_id=f"77{i}", name=f"Demo member {i}", region=region_a)
        membership_add(network=network_x, school=school, by=school_leader_x)
    built = impact_demo_create(coordinator=school_leader_x, leader=system_leader, admin=site_admin)
    assert built["network"] == network_x and built["survey"].post is not None
    pack = network_pack(network=network_x)
    assert len(pack.letters) == 2
    [survey] = pack.surveys
    assert survey.pre.answered >= 7 and survey.post is not None and survey.post.answered >= 5
    assert all(s.pre is not None and s.post is not None and s.change is not None for s in survey.statements)
    # In England the demo's people write in English, as they always have.
    assert built["survey"].title == "Working together"
    assert {letter.writer for letter in built["letters"]} == {
        f"{system_leader.full_name}, on behalf of the authority",
        "Riverside University, School of Education",
    }
    assert {letter.filename for letter in built["letters"]} == {"letter-of-support.txt"}


def test_the_demo_programme_has_a_survey_of_all_its_networks_shown_on_its_page(
    network_x, school_leader_x, system_leader, site_admin, region_a
):
    for i in range(2):
        school = School.objects.create(registry_id=f"77{i}", name=f"Demo member {i}", region=region_a)
        membership_add(network=network_x, school=school, by=school_leader_x)
    programme = demo_impact_create(region=region_a, leader=system_leader, networks=[network_x])
    built = impact_demo_create(coordinator=school_leader_x, leader=system_leader, admin=site_admin)
    survey = built["programme_survey"]
    assert survey.programme == programme and survey.post is not None
    [results] = survey_results(programme=programme)
    assert results.pre.answered >= 7 and results.post is not None and results.post.answered >= 5
    assert all(s.pre and s.post and s.change for s in results.statements)
    client = Client()
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/").content.decode()
    assert "Schools Together: what staff see" in page and "The programme has changed how I teach" in page
    first = results.statements[0]
    assert first.pre is not None and f"{first.pre.mean:.2f}" in page
    assert "Too few answers to show" not in page
