"""Who sees other schools' support categories is a setting, "covered" by default (finding 14)."""

import csv
import io

import pytest

from kindred.evidence.models import EvidenceRun, FamilyMember, SupportCategory

pytestmark = pytest.mark.django_db


def current_families_run() -> EvidenceRun:
    run = EvidenceRun.objects.filter(kind="families", status="current").first()
    return run or EvidenceRun.objects.create(kind="families", status="current")


@pytest.fixture
def categorised(school_x, school_y):
    SupportCategory.objects.create(school=school_x, category="amber", source="derived")
    SupportCategory.objects.create(school=school_y, category="red", source="derived")
    FamilyMember.all_runs.create(
        run=current_families_run(), school=school_x, member=school_y, rank=1, distance=0.3
    )
    FamilyMember.all_runs.create(
        run=current_families_run(), school=school_y, member=school_x, rank=1, distance=0.3
    )


def dashboard_ids(client) -> set[str]:
    response = client.get("/evidence/dashboard/", {"format": "csv", "region": ""})
    return {
        row["school_id"]: row["category"] for row in csv.DictReader(io.StringIO(response.content.decode()))
    }


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("site_admin", {"100001": "amber", "200002": "red"}),
        ("system_leader", {"100001": "amber"}),
        ("teacher_x", {"100001": "amber"}),
        ("teacher_y", {"200002": "red"}),
        ("no_school_user", {}),
    ],
)
def test_by_default_categories_are_seen_by_the_school_its_leaders_and_site_admins(
    client, personas, categorised, persona, sees
):
    client.force_login(personas[persona])
    assert dashboard_ids(client) == sees


def test_a_teacher_does_not_see_another_schools_category_on_its_page(
    client, teacher_y, school_x, categorised
):
    client.force_login(teacher_y)
    page = client.get(school_x.get_absolute_url()).content.decode()
    assert "Support category" not in page and "Amber" not in page


def test_a_teacher_sees_their_own_schools_category_but_not_its_familys(
    client, teacher_x, school_x, categorised
):
    client.force_login(teacher_x)
    page = client.get(school_x.get_absolute_url()).content.decode()
    assert "Support category" in page and "Amber" in page
    assert "not shown" in page and "cat-red" not in page


def test_the_setting_can_show_every_category_to_everyone_signed_in(
    client, no_school_user, categorised, settings
):
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"
    client.force_login(no_school_user)
    assert dashboard_ids(client) == {"100001": "amber", "200002": "red"}


def test_a_limited_dashboard_says_why_it_lists_fewer_schools(client, no_school_user, categorised):
    client.force_login(no_school_user)
    page = client.get("/evidence/dashboard/").content.decode()
    assert "whose support category you may see" in page
