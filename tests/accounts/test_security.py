import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_plain_http_is_redirected_to_https_when_the_setting_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert "max-age=31536000" in secure["Strict-Transport-Security"]


def test_session_and_csrf_cookies_are_secure_and_http_only_in_production(client, teacher_x):
    from conftest import PASSWORD

    client.get("/accounts/login/", secure=True)
    assert client.cookies["csrftoken"]["secure"]
    client.post("/accounts/login/", {"username": teacher_x.email, "password": PASSWORD}, secure=True)
    assert client.cookies["sessionid"]["secure"] and client.cookies["sessionid"]["httponly"]


def run_kindred(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [str(Path(sys.executable).parent / "kindred"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.own_database
def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = run_kindred(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="test-deploy-check-Zx8Qw3Lp0Vb7Nm2Kj5Hg9Fd4Sa6Tr1Ye-not-secret",
        ALLOWED_HOSTS="kindred.example.org",
        KINDRED_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.own_database
def test_development_settings_do_not_force_https(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DEBUG": "true",
            "KINDRED_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(teacher_x):
    assert teacher_x.password.startswith("argon2$")
