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
