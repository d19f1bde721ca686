"""The demo's advisory council (issue 23, item 6), built alone: the region's system leader runs it;
its members answered a consultation whose response is published back; another waits for the teacher."""

import pytest

from kindred.accounts.models import SchoolStaff, User
from kindred.demo.council import demo_council_create
from kindred.schools.models import School
from kindred.voice.models import CouncilMember

pytestmark = pytest.mark.django_db


def test_the_demo_council_has_members_a_published_response_and_an_open_question(
    client, region_a, system_leader, school_leader_x, teacher_x
):
    for i in range(2):
        school = School.objects.create(registry_id=f"55{i:04d}", name=f"Demo {i}", region=region_a)
        user = User.objects.create_user(email=f"t{i}@example.org", password=None)
        SchoolStaff.objects.create(user=user, school=school, role="teacher")
    council = demo_council_create(
        region=region_a, leader=system_leader, coordinator=school_leader_x, teacher=teacher_x
    )
    assert CouncilMember.objects.active().filter(council=council).count() == 4
    closed, still_open = council.consultations.order_by("pk")
    assert closed.status == "closed" and closed.responses.count() == 4 and closed.publication.with_results
    assert still_open.status == "open" and not still_open.responses.exists()

    client.force_login(teacher_x)
    page = client.get(f"/voice/{closed.pk}/response/").text
    assert "Thank you all. We will hold next year&#x27;s joint training" in page and "from 4 people" in page
    assert still_open.display_title in client.get("/voice/").text  # waiting for the teacher's answer
