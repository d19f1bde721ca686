import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import PASSWORD
from kindred.accounts.models import Invitation, SchoolStaff, User
from kindred.accounts.services import invitation_create

pytestmark = pytest.mark.django_db


def invite(school, by, email="new.teacher@example.org", role="teacher"):
    return invitation_create(school=school, email=email, role=role, by=by, base_url="http://testserver")


def link_in(mail) -> str:
    return re.search(r"http://testserver(/accounts/invitations/\S+/)", mail.body).group(1)


def test_school_administrator_invites_by_email_and_the_link_makes_an_account_with_the_role(
    client, school_x, school_admin_x, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(school_admin_x)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/schools/{school_x.registry_id}/staff/invite/",
            {"email": "new.teacher@example.org", "role": "teacher"},
        )
    assert response.status_code == 302
    assert mailoutbox[0].to == ["new.teacher@example.org"]
    link = link_in(mailoutbox[0])
    client.logout()

    response = client.post(link, {"full_name": "Nia Teacher", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(email="new.teacher@example.org")
    assert user.password.startswith("argon2")
    assert user.email_verified_at is not None
    assert SchoolStaff.objects.filter(user=user, school=school_x, role="teacher").exists()
    assert client.get("/accounts/profile/").context["user"] == user


def test_only_a_hash_of_the_token_is_stored(school_x, school_admin_x):
    invitation, token = invite(school_x, school_admin_x)
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def test_a_tampered_invitation_link_is_refused_and_creates_nothing(client, school_x, school_admin_x):
    _, token = invite(school_x, school_admin_x)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    users = User.objects.count()
    response = client.post(
        f"/accounts/invitations/{forged}/",
        {"full_name": "Mallory", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert User.objects.count() == users


def test_an_expired_invitation_is_refused_and_creates_nothing(client, school_x, school_admin_x, settings):
    _, token = invite(school_x, school_admin_x)
    users = User.objects.count()
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)):
        response = client.post(
            f"/accounts/invitations/{token}/",
            {"full_name": "Late", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert User.objects.count() == users


def test_an_invitation_still_works_the_day_before_it_expires(client, school_x, school_admin_x, settings):
    _, token = invite(school_x, school_admin_x)
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_DAYS - 1)):
        assert client.get(f"/accounts/invitations/{token}/").status_code == 200


def test_an_invitation_works_only_once(client, school_x, school_admin_x):
    _, token = invite(school_x, school_admin_x)
    data = {"full_name": "Nia", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(f"/accounts/invitations/{token}/", data).status_code == 302
    client.logout()
    users, roles = User.objects.count(), SchoolStaff.objects.count()

    response = client.post(f"/accounts/invitations/{token}/", {**data, "full_name": "Second"})

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert (User.objects.count(), SchoolStaff.objects.count()) == (users, roles)


def test_someone_with_an_account_signs_in_and_accepts(client, school_x, school_admin_x, teacher_y):
    _, token = invite(school_x, school_admin_x, email=teacher_y.email)
    anonymous_page = client.get(f"/accounts/invitations/{token}/").content.decode()
    assert "You already have an account" in anonymous_page
    client.force_login(teacher_y)
    assert client.post(f"/accounts/invitations/{token}/").status_code == 302
    assert SchoolStaff.objects.filter(user=teacher_y, school=school_x, role="teacher").exists()
    assert Invitation.objects.get().accepted_by == teacher_y


def test_an_invitation_for_someone_else_cannot_be_accepted(client, school_x, school_admin_x, teacher_y):
    _, token = invite(school_x, school_admin_x, email="somebody.else@example.org")
    client.force_login(teacher_y)
    response = client.post(f"/accounts/invitations/{token}/")
    assert response.status_code == 400
    assert "This invitation is for somebody.else@example.org" in response.content.decode()
    assert not SchoolStaff.objects.filter(user=teacher_y, school=school_x).exists()
    assert Invitation.objects.get().accepted_at is None


def test_a_weak_or_mismatched_password_is_refused_with_the_reason(client, school_x, school_admin_x):
    _, token = invite(school_x, school_admin_x)
    weak = client.post(
        f"/accounts/invitations/{token}/", {"full_name": "N", "password1": "1234", "password2": "1234"}
    )
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    differ = client.post(
        f"/accounts/invitations/{token}/",
        {"full_name": "N", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert differ.status_code == 400 and "The two passwords differ" in differ.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()


def test_a_teacher_cannot_invite(client, school_x, teacher_x):
    client.force_login(teacher_x)
    response = client.post(
        f"/accounts/schools/{school_x.registry_id}/staff/invite/",
        {"email": "a@example.org", "role": "administrator"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_signed_in_as_someone_else_the_invitation_page_says_so(client, school_x, school_admin_x, teacher_y):
    _, token = invite(school_x, school_admin_x, email="somebody.else@example.org")
    client.force_login(teacher_y)
    page = client.get(f"/accounts/invitations/{token}/").content.decode()
    assert f"You are signed in as {teacher_y.email}" in page and "Accept the invitation" not in page
