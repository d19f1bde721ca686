"""The demo's survey and evidence-pack letters, built through the services on a small network."""

import pytest

from kindred.demo.impact import impact_demo_create
from kindred.impact.pack import network_pack
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
