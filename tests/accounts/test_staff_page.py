"""Destructive actions on a school's staff page confirm first, and name the person they act on (finding 11)."""

import pytest

from kindred.accounts.models import SchoolStaff

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_role(teacher_x, school_x):
    return SchoolStaff.objects.get(user=teacher_x, school=school_x)


def remove_url(staff: SchoolStaff) -> str:
    return f"/accounts/schools/{staff.school.registry_id}/staff/{staff.pk}/remove/"


def test_buttons_are_named_for_the_person_they_act_on(client, school_admin_x, teacher_role, school_x):
    client.force_login(school_admin_x)
    page = client.get(f"/accounts/schools/{school_x.registry_id}/staff/").content.decode()
    assert "Remove role of teacher.x" in page
    assert f'href="{remove_url(teacher_role)}"' in page


def test_removing_a_role_asks_for_confirmation_first(client, school_admin_x, teacher_role):
    client.force_login(school_admin_x)
    page = client.get(remove_url(teacher_role))
    assert page.status_code == 200
    assert "Yes, remove teacher.x as Teacher" in page.content.decode()
    assert SchoolStaff.objects.filter(pk=teacher_role.pk).exists()


def test_a_post_without_the_confirmation_removes_nothing(client, school_admin_x, teacher_role):
    client.force_login(school_admin_x)
    assert client.post(remove_url(teacher_role)).status_code == 400
    assert SchoolStaff.objects.filter(pk=teacher_role.pk).exists()


def test_the_confirmed_removal_removes_the_role(client, school_admin_x, teacher_role):
    client.force_login(school_admin_x)
    response = client.post(remove_url(teacher_role), {"confirm": "on"}, follow=True)
    assert "teacher.x is no longer teacher" in response.content.decode()
    assert not SchoolStaff.objects.filter(pk=teacher_role.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_admin_x", 200),
        ("site_admin", 200),
        ("teacher_x", 403),
        ("system_leader", 403),
        ("teacher_y", 404),
    ],
)
def test_the_confirmation_page_follows_the_write_rule(client, personas, teacher_role, persona, status):
    client.force_login(personas[persona])
    assert client.get(remove_url(teacher_role)).status_code == status


def test_the_confirmation_page_asks_anonymous_visitors_to_sign_in(client, teacher_role):
    assert client.get(remove_url(teacher_role)).status_code == 302
