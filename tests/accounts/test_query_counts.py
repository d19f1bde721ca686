import pytest

from kindred.accounts.models import JoinRequest, SchoolStaff, User
from kindred.audit.services import audit

pytestmark = pytest.mark.django_db


def test_the_staff_page_needs_a_fixed_number_of_queries(
    client, school_x, school_admin_x, django_assert_max_num_queries
):
    for n in range(30):
        user = User.objects.create_user(email=f"t{n}@example.org", password=None)
        SchoolStaff.objects.create(user=user, school=school_x, role="teacher")
        JoinRequest.objects.create(
            user=User.objects.create_user(email=f"j{n}@example.org", password=None), school=school_x
        )
    client.force_login(school_admin_x)
    with django_assert_max_num_queries(15):
        assert client.get(f"/accounts/schools/{school_x.registry_id}/staff/").status_code == 200


def test_the_audit_log_page_needs_a_fixed_number_of_queries(
    client, site_admin, school_x, django_assert_max_num_queries
):
    for n in range(60):
        audit(site_admin, "school.edited", school_x, n=n)
    client.force_login(site_admin)
    with django_assert_max_num_queries(12):
        assert client.get("/audit/").status_code == 200
