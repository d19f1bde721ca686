"""Passwords are hashed with Argon2id at OWASP's minimum (kindred/accounts/hashers.py), and a hash
made with other parameters (Django's defaults, which Kindred used before) is re-hashed at the
person's next sign-in."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, identify_hasher

from conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.real_password_hashing]


def argon2_parameters(encoded: str) -> tuple[int, int, int]:
    decoded = identify_hasher(encoded).decode(encoded)
    return decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"]


def sign_in(client, email):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def test_a_new_password_is_hashed_with_argon2id_at_owasps_minimum(teacher_x):
    assert teacher_x.password.startswith("argon2$argon2id$")
    assert argon2_parameters(teacher_x.password) == (19 * 1024, 2, 1)


def test_a_hash_with_djangos_default_parameters_is_rehashed_at_the_next_sign_in(client, teacher_x):
    teacher_x.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    teacher_x.save(update_fields=["password"])
    assert argon2_parameters(teacher_x.password) == (102400, 2, 8)

    assert sign_in(client, teacher_x.email).status_code == 302
    teacher_x.refresh_from_db()
    assert argon2_parameters(teacher_x.password) == (19 * 1024, 2, 1)
    # The new hash is the same password: the person signs in with it again.
    client.logout()
    assert sign_in(client, teacher_x.email).status_code == 302


def test_an_older_pbkdf2_hash_is_rehashed_to_argon2_at_the_next_sign_in(client, teacher_x):
    teacher_x.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    teacher_x.save(update_fields=["password"])

    assert sign_in(client, teacher_x.email).status_code == 302
    teacher_x.refresh_from_db()
    assert argon2_parameters(teacher_x.password) == (19 * 1024, 2, 1)


def test_a_wrong_password_leaves_an_old_hash_as_it_was(client, teacher_x):
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    teacher_x.password = old
    teacher_x.save(update_fields=["password"])

    client.post("/accounts/login/", {"username": teacher_x.email, "password": "not the password"})
    teacher_x.refresh_from_db()
    assert teacher_x.password == old
