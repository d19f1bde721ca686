import json

import pytest

from conftest import PASSWORD
from kindred.accounts.models import SchoolStaff, User

pytestmark = pytest.mark.django_db


def test_a_person_downloads_everything_held_about_them(client, teacher_x, school_x):
    client.force_login(teacher_x)
    response = client.get("/accounts/profile/data.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == teacher_x.email
    assert data["school_roles"] == [
        {"school": school_x.name, "registry_id": school_x.registry_id, "role": "teacher"}
    ]
    assert any(event["action"] == "user.signed_in" for event in data["activity"])


def test_deleting_an_account_anonymises_it_and_ends_the_session(client, teacher_x):
    client.force_login(teacher_x)
    email = teacher_x.email
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(pk=teacher_x.pk)
    assert (user.email, user.full_name, user.is_active) == (
        f"former-member-{user.pk}@deleted.invalid",
        "",
        False,
    )
    assert str(user) == "Former member" and not user.has_usable_password()
    assert not SchoolStaff.objects.filter(user=user).exists()
    assert not User.objects.filter(email=email).exists()
    assert client.get("/accounts/profile/").status_code == 302
    assert client.post("/accounts/login/", {"username": email, "password": PASSWORD}).status_code == 200


def test_deleting_an_account_needs_the_password(client, teacher_x):
    client.force_login(teacher_x)
    response = client.post("/accounts/profile/delete/", {"password": "not it"})
    assert response.status_code == 400 and "That is not your password" in response.content.decode()
    teacher_x.refresh_from_db()
    assert teacher_x.is_active and teacher_x.deleted_at is None


# Finding 7: a school is never left without an administrator.


def test_the_only_administrator_of_a_school_must_hand_over_before_deleting(client, school_admin_x, school_x):
    client.force_login(school_admin_x)
    page = client.get("/accounts/profile/delete/")
    assert f"/accounts/schools/{school_x.registry_id}/staff/" in page.content.decode()
    response = client.post("/accounts/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "only administrator of Xavier Primary" in response.content.decode()
    school_admin_x.refresh_from_db()
    assert school_admin_x.is_active and school_admin_x.deleted_at is None
    assert SchoolStaff.objects.filter(user=school_admin_x, role="administrator").exists()


def test_an_administrator_who_has_handed_over_may_delete(client, school_admin_x, school_leader_x, school_x):
    SchoolStaff.objects.create(user=school_leader_x, school=school_x, role="administrator")
    client.force_login(school_admin_x)
    assert client.post("/accounts/profile/delete/", {"password": PASSWORD}).status_code == 302
    assert list(
        SchoolStaff.objects.filter(school=school_x, role="administrator").values_list("user", flat=True)
    ) == [school_leader_x.pk]


# Finding 3: deletion leaves no personal data behind.


def test_deletion_pseudonymises_the_person_in_the_audit_log(
    client, teacher_x, school_admin_x, school_x, site_admin
):
    from kindred.accounts.services import staff_role_add
    from kindred.audit.models import AuditEvent

    name, email = teacher_x.full_name, teacher_x.email
    client.post("/accounts/login/", {"username": email, "password": "wrong"})
    client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    staff_role_add(school=school_x, user=teacher_x, role="leader", by=school_admin_x)
    client.post("/accounts/profile/delete/", {"password": PASSWORD})

    client.force_login(site_admin)
    export = b"".join(client.get("/audit/export.csv").streaming_content).decode()
    page = client.get("/audit/").content.decode()
    for text in (export, page):
        assert email not in text and name not in text
    assert "former-member-" in export
    events = AuditEvent.objects.filter(action__in=["user.signed_in", "user.sign_in_failed"]).exclude(
        actor=site_admin
    )
    assert events.count() == 2
    assert all("ip" not in event.details for event in events)
    # Other people's events are untouched.
    assert AuditEvent.objects.filter(actor=school_admin_x, action="staff.role_added").exists()


def test_deletion_removes_the_address_from_accepted_invitations(client, school_admin_x, school_x):
    from kindred.accounts.models import Invitation
    from kindred.accounts.services import account_create_from_invitation, invitation_create

    invitation, _ = invitation_create(
        school=school_x, email="new@example.org", role="teacher", by=school_admin_x, base_url="http://x"
    )
    person = account_create_from_invitation(invitation=invitation, full_name="New Person", password=PASSWORD)
    client.force_login(person)
    client.post("/accounts/profile/delete/", {"password": PASSWORD})
    invitation.refresh_from_db()
    assert invitation.email == f"former-member-{person.pk}@deleted.invalid"
    assert not Invitation.objects.filter(email__iexact="new@example.org").exists()


def test_deletion_removes_the_persons_sign_in_records(client, teacher_x, settings):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.test import Client

    for _ in range(2):
        client.post("/accounts/login/", {"username": teacher_x.email, "password": "wrong"})
    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD})
    Client().post("/accounts/login/", {"username": "someone.else@example.org", "password": "wrong"})
    client.post("/accounts/profile/delete/", {"password": PASSWORD})
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username__iexact=teacher_x.email).exists()
    assert AccessAttempt.objects.filter(username="someone.else@example.org").exists()
