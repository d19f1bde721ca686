"""Each persona's home page shows what they came for (finding 12)."""

import pytest

from kindred.accounts.models import SchoolStaff
from kindred.evidence.models import EvidenceRun, FamilyMember

pytestmark = pytest.mark.django_db


def current_families_run() -> EvidenceRun:
    run = EvidenceRun.objects.filter(kind="families", status="current").first()
    return run or EvidenceRun.objects.create(kind="families", status="current")


def test_a_system_leader_sees_their_region_and_its_dashboard(client, system_leader, region_a, school_x):
    client.force_login(system_leader)
    page = client.get("/").content.decode()
    assert "Region A" in page
    assert f"/evidence/dashboard/?region={region_a.pk}" in page
    assert "1 school you oversee" in page


def test_a_leader_of_one_authority_sees_that_authority(client, no_school_user, region_a, school_x):
    from kindred.accounts.models import RegionalRole

    authority = region_a.authorities.get()
    RegionalRole.objects.create(user=no_school_user, local_authority=authority)
    client.force_login(no_school_user)
    page = client.get("/").content.decode()
    assert "Authority A1" in page and f"?local_authority={authority.pk}" in page


def test_a_teacher_sees_their_school_its_staff_and_its_family(client, teacher_x, school_x, school_y):
    FamilyMember.all_runs.create(
        run=current_families_run(), school=school_x, member=school_y, rank=1, distance=0.5
    )
    client.force_login(teacher_x)
    page = client.get("/").content.decode()
    assert f'href="{school_x.get_absolute_url()}">Xavier Primary</a></h2>' in page
    assert "Teacher" in page
    assert f"/accounts/schools/{school_x.registry_id}/staff/" in page
    assert "Schools most like yours" in page and "Yew Tree Academy" in page


def test_someone_with_two_roles_at_one_school_sees_it_once(client, teacher_x, school_x):
    SchoolStaff.objects.create(user=teacher_x, school=school_x, role="exams_officer")
    client.force_login(teacher_x)
    page = client.get("/").content.decode()
    assert page.count('">Xavier Primary</a></h2>') == 1
    assert "Teacher, Exams officer" in page or "Exams officer, Teacher" in page


def test_someone_without_a_role_is_told_the_next_step(client, no_school_user):
    client.force_login(no_school_user)
    assert "You have no role at a school yet" in client.get("/").content.decode()


def test_an_anonymous_visitor_sees_the_search_only(client, school_x):
    page = client.get("/").content.decode()
    assert "Find a school" in page and "You have no role" not in page


def test_after_accepting_an_invitation_the_person_lands_on_their_school(client, school_admin_x, school_x):
    from kindred.accounts.services import invitation_create

    _, token = invitation_create(
        school=school_x, email="new@example.org", role="teacher", by=school_admin_x, base_url="http://x"
    )
    response = client.post(
        f"/accounts/invitations/{token}/",
        {
            "full_name": "New Person",
            "password1": "a long new passphrase 5",
            "password2": "a long new passphrase 5",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert "Welcome to Xavier Primary." in page and "Staff of Xavier Primary" in page


def test_the_home_page_of_a_busy_teacher_uses_a_bounded_number_of_queries(
    client, teacher_x, school_x, region_a, django_assert_max_num_queries
):
    from kindred.schools.models import School

    for n in range(12):
        school = School.objects.create(registry_id=f"9{n:05d}", name=f"School {n}", region=region_a)
        SchoolStaff.objects.create(user=teacher_x, school=school, role="teacher")
    client.force_login(teacher_x)
    # 14 + what waits for them (issue 21.11: two kinds of invitation, asks, staff requests, unread
    # posts, the week's events in two, peer reviews; tests/pages/test_home_waiting.py fills each).
    with django_assert_max_num_queries(22):
        page = client.get("/").content.decode()
    assert "All your schools and roles" in page


def test_a_teacher_sees_their_schools_networks(client, teacher_x, school_x, region_a, site_admin):
    from kindred.networks.services import membership_add, network_create

    network = network_create(name="Maths across the valley", kind="subject", region=region_a, by=site_admin)
    membership_add(network=network, school=school_x, by=site_admin)
    client.force_login(teacher_x)
    page = client.get("/").content.decode()
    assert "Your networks" in page and "Maths across the valley" in page
    assert network.get_absolute_url() in page


def test_a_school_without_networks_is_shown_where_to_find_one(client, teacher_x, school_x):
    client.force_login(teacher_x)
    page = client.get("/").content.decode()
    assert "You are in no network yet." in page and "Find a network to join" in page


def test_the_home_page_counts_the_whole_registry_once_and_a_search_never(client, teacher_x, school_x):
    # On the national trial (38,000 schools) each count read the whole table: the blank home page
    # counted it twice (its list and "no schools yet"), a search once beside its own count.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def whole_registry_counts(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return sum(
            1
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "schools_school"')
            and "WHERE" not in q["sql"]
        )

    client.force_login(teacher_x)
    assert whole_registry_counts("/") == 1
    assert whole_registry_counts("/?q=xavier") == 0
    client.logout()
    assert whole_registry_counts("/") == 1
