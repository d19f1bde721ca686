import pytest

from kindred.accounts.models import JoinRequest, SchoolStaff

pytestmark = pytest.mark.django_db


def test_a_teacher_asks_to_join_and_the_administrator_approves(
    client, school_x, no_school_user, school_admin_x
):
    client.force_login(no_school_user)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join/", {"role": "teacher", "message": "Hi"}
    )
    assert response.status_code == 302
    join = JoinRequest.objects.get()
    assert join.status == JoinRequest.Status.PENDING

    client.force_login(school_admin_x)
    staff_page = client.get(f"/accounts/schools/{school_x.registry_id}/staff/").content.decode()
    assert no_school_user.email in staff_page
    client.post(f"/accounts/schools/{school_x.registry_id}/join-requests/{join.pk}/", {"decision": "approve"})

    join.refresh_from_db()
    assert join.status == JoinRequest.Status.APPROVED and join.decided_by == school_admin_x
    assert SchoolStaff.objects.filter(user=no_school_user, school=school_x, role="teacher").exists()


def test_a_declined_request_gives_no_role(client, school_x, no_school_user, school_admin_x):
    join = JoinRequest.objects.create(user=no_school_user, school=school_x)
    client.force_login(school_admin_x)
    client.post(f"/accounts/schools/{school_x.registry_id}/join-requests/{join.pk}/", {"decision": "decline"})
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.DECLINED
    assert not SchoolStaff.objects.filter(user=no_school_user).exists()


def test_asking_twice_is_refused_with_a_clear_message(client, school_x, no_school_user):
    client.force_login(no_school_user)
    url = f"/accounts/schools/{school_x.registry_id}/join/"
    client.post(url, {"role": "teacher"})
    response = client.post(url, {"role": "teacher"})
    assert response.status_code == 400
    assert "You have already asked to join" in response.content.decode()
    assert JoinRequest.objects.count() == 1


def test_a_decided_request_cannot_be_decided_again(client, school_x, no_school_user, school_admin_x):
    join = JoinRequest.objects.create(
        user=no_school_user, school=school_x, status=JoinRequest.Status.DECLINED
    )
    client.force_login(school_admin_x)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join-requests/{join.pk}/",
        {"decision": "approve"},
        follow=True,
    )
    assert "already been decided" in response.content.decode()
    assert not SchoolStaff.objects.filter(user=no_school_user).exists()


def test_a_school_leader_can_see_the_staff_but_not_decide(client, school_x, school_leader_x, no_school_user):
    join = JoinRequest.objects.create(user=no_school_user, school=school_x)
    client.force_login(school_leader_x)
    page = client.get(f"/accounts/schools/{school_x.registry_id}/staff/").content.decode()
    assert school_leader_x.full_name in page and "Invite someone" not in page
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join-requests/{join.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 403
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_the_last_school_administrator_cannot_be_removed(client, school_x, school_admin_x):
    staff = SchoolStaff.objects.get(user=school_admin_x)
    client.force_login(school_admin_x)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/staff/{staff.pk}/remove/", {"confirm": "on"}, follow=True
    )
    assert "keeps at least one administrator" in response.content.decode()
    assert SchoolStaff.objects.filter(pk=staff.pk).exists()
