"""Forged requests, other schools' ids and malformed input are refused clearly and change nothing."""

import pytest
from django.test import Client

from conftest import PASSWORD
from kindred.accounts.models import Invitation, JoinRequest, SchoolStaff, User
from kindred.accounts.services import invitation_create
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def invite_url(school) -> str:
    return f"/accounts/schools/{school.registry_id}/staff/invite/"


# CSRF


def test_a_post_without_a_csrf_token_is_refused(school_x, school_admin_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_admin_x)
    response = client.post(invite_url(school_x), {"email": "a@example.org", "role": "teacher"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()  # the site's own page (403_csrf.html)
    assert not Invitation.objects.exists()


def test_a_post_with_a_forged_csrf_token_is_refused(school_x, school_admin_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_admin_x)
    client.get(f"/accounts/schools/{school_x.registry_id}/staff/")  # sets the real CSRF cookie
    forged = "x" * 64
    response = client.post(
        invite_url(school_x), {"email": "a@example.org", "role": "teacher", "csrfmiddlewaretoken": forged}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_post_with_the_real_csrf_token_goes_through(school_x, school_admin_x):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school_admin_x)
    client.get(f"/accounts/schools/{school_x.registry_id}/staff/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        invite_url(school_x), {"email": "a@example.org", "role": "teacher", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Invitation.objects.count() == 1


def test_signing_in_without_a_csrf_token_is_refused(teacher_x):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# Changing ids in URLs and forms (IDOR)


def test_an_administrator_cannot_invite_to_another_school_by_changing_the_url(
    client, school_admin_x, school_y
):
    client.force_login(school_admin_x)
    response = client.post(invite_url(school_y), {"email": "a@example.org", "role": "administrator"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_a_school_field_slipped_into_the_invitation_form_is_ignored(
    client, school_admin_x, school_x, school_y
):
    client.force_login(school_admin_x)
    client.post(invite_url(school_x), {"email": "a@example.org", "role": "teacher", "school": school_y.pk})
    assert Invitation.objects.get().school == school_x


def test_an_administrator_cannot_remove_another_schools_staff_through_their_own_url(
    client, school_admin_x, school_x, teacher_y
):
    staff_y = SchoolStaff.objects.get(user=teacher_y)
    client.force_login(school_admin_x)
    response = client.post(f"/accounts/schools/{school_x.registry_id}/staff/{staff_y.pk}/remove/")
    assert response.status_code == 404
    assert SchoolStaff.objects.filter(pk=staff_y.pk).exists()


def test_an_administrator_cannot_decide_another_schools_join_request(
    client, school_admin_x, school_x, school_y, no_school_user
):
    join_y = JoinRequest.objects.create(user=no_school_user, school=school_y)
    client.force_login(school_admin_x)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join-requests/{join_y.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 404
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING
    assert not SchoolStaff.objects.filter(user=no_school_user).exists()


def test_an_outsider_cannot_see_a_schools_staff_page(client, teacher_y, school_x):
    client.force_login(teacher_y)
    assert client.get(f"/accounts/schools/{school_x.registry_id}/staff/").status_code == 404


def test_a_system_leader_cannot_see_schools_outside_their_region(client, system_leader, school_x, school_y):
    client.force_login(system_leader)
    assert client.get(f"/accounts/schools/{school_x.registry_id}/staff/").status_code == 200
    assert client.get(f"/accounts/schools/{school_y.registry_id}/staff/").status_code == 404


def test_an_unknown_school_in_the_url_is_404(client, school_admin_x):
    client.force_login(school_admin_x)
    assert client.post("/accounts/schools/does-not-exist/staff/invite/", {}).status_code == 404


# Over-long and malformed input


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("not-an-email", "Enter a valid email address"),
        ("a" * 250 + "@example.org", "at most 254 characters"),
        ("", "This field is required"),
    ],
)
def test_a_malformed_invitation_address_is_refused_with_the_reason(
    client, school_admin_x, school_x, email, reason
):
    client.force_login(school_admin_x)
    response = client.post(invite_url(school_x), {"email": email, "role": "teacher"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_unknown_role_is_refused(client, school_admin_x, school_x):
    client.force_login(school_admin_x)
    response = client.post(invite_url(school_x), {"email": "a@example.org", "role": "superuser"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_over_long_join_message_is_refused(client, no_school_user, school_x):
    client.force_login(no_school_user)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join/", {"role": "teacher", "message": "x" * 501}
    )
    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_an_over_long_name_on_an_invitation_is_refused(client, school_x, school_admin_x):
    _, token = invitation_create(
        school=school_x,
        email="n@example.org",
        role="teacher",
        by=school_admin_x,
        base_url="http://testserver",
    )
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"full_name": "N" * 201, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert not User.objects.filter(email="n@example.org").exists()


def test_an_absurdly_long_invitation_token_is_just_not_found(client):
    response = client.get(f"/accounts/invitations/{'x' * 5000}/")
    assert response.status_code == 404


def test_a_malformed_decision_changes_nothing(client, school_admin_x, school_x, no_school_user):
    join = JoinRequest.objects.create(user=no_school_user, school=school_x)
    client.force_login(school_admin_x)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/join-requests/{join.pk}/",
        {"decision": "maybe"},
        follow=True,
    )
    assert "Choose approve or decline" in response.content.decode()
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_malformed_audit_filters_are_harmless(client, site_admin):
    client.force_login(site_admin)
    events = AuditEvent.objects.count()
    assert client.get("/audit/", {"action": "x" * 10_000, "page": "abc"}).status_code == 200
    assert AuditEvent.objects.count() == events


# Issue 9: the throttle, the reset limits and the confirmation pages take hostile input calmly.


@pytest.mark.parametrize(
    "forwarded", ["", "not-an-ip", "999.1.1.1", "1.2.3.4" * 500, "::1, fe80::1%eth0", ",,,", "\u202e1.2.3.4"]
)
def test_a_malformed_forwarded_address_is_not_believed_and_breaks_nothing(teacher_x, settings, forwarded):
    from kindred.audit.models import AuditEvent as Event

    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client.post("/accounts/login/", {"username": teacher_x.email, "password": "x"}).status_code == 200
    assert Event.objects.get(action="user.sign_in_failed").details["ip"] in {"10.0.0.2", "fe80::1%eth0"}


def test_a_forged_device_cookie_gives_no_exemption(client, teacher_x, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": teacher_x.email, "password": "guess"})
    client.cookies["kindred_device"] = "forged-" + "x" * 40
    response = client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert "is paused" in response.content.decode() and "_auth_user_id" not in client.session


def test_someone_elses_device_cookie_gives_no_exemption_for_my_address(
    client, teacher_x, teacher_y, settings
):
    settings.LOGIN_FAILURE_LIMIT = 2
    client.post("/accounts/login/", {"username": teacher_y.email, "password": PASSWORD})
    client.post("/accounts/logout/")
    other = Client()
    for _ in range(2):
        other.post("/accounts/login/", {"username": teacher_x.email, "password": "guess"})
    response = client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    assert "is paused" in response.content.decode()


@pytest.mark.parametrize("email", ["x" * 300 + "@example.org", "not an address", "", "a@b@c"])
def test_a_malformed_reset_address_is_refused_and_sends_nothing(client, mailoutbox, email):
    response = client.post("/accounts/password-reset/", {"email": email})
    assert response.status_code == 200 and mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="user.password_reset").exists()


def test_another_schools_role_cannot_be_reached_through_the_confirmation_page(
    client, school_admin_x, school_x, teacher_y
):
    staff_y = SchoolStaff.objects.get(user=teacher_y)
    client.force_login(school_admin_x)
    assert (
        client.get(f"/accounts/schools/{school_x.registry_id}/staff/{staff_y.pk}/remove/").status_code == 404
    )
    assert (
        client.post(
            f"/accounts/schools/{school_x.registry_id}/staff/{staff_y.pk}/remove/", {"confirm": "on"}
        ).status_code
        == 404
    )
    assert SchoolStaff.objects.filter(pk=staff_y.pk).exists()
