"""`/health/` says the process answers; `/ready/` says whether it can serve: database, migrations,
queue, disk. Both answer JSON, before host checks and the HTTPS redirect, with no secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kindred.core import health

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_migrations_seen(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_health_answers_ok_as_json_and_is_never_cached(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_ready_answers_ok_with_each_check_when_everything_is_in_place(client):
    response = client.get("/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "queue", "disk"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["disk"]["free_mb"] > 0


def test_probes_answer_an_unknown_host_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["kindred.example.org"]
    for path in ["/health/", "/ready/"]:
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, (path, response.status_code)
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400, "other pages still check the host"


def test_ready_fails_with_503_while_migrations_are_not_applied(client):
    # As after installing a new version and before `kindred migrate`: the core app's are unapplied.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'core'")
    core_migrations = len(list((ROOT / "kindred" / "core" / "migrations").glob("0*.py")))
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "unapplied": core_migrations}


def test_ready_fails_when_the_uploads_disk_is_nearly_full(client, settings):
    settings.READY_MIN_FREE_DISK_MB = 10**12
    response = client.get("/ready/")
    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert disk["ok"] is False and disk["min_free_mb"] == 10**12


def test_ready_checks_redis_when_it_is_the_queue(client, settings):
    settings.TASKS_BACKEND = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}


def run_probe(path: str, **env: str) -> tuple[int, dict]:
    """GET `path` in a fresh process whose settings come from `env` (the test database untouched)."""
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        f"response = Client().get({path!r})\n"
        "print(response.status_code, response.content.decode())\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kindred.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    return int(status), json.loads(body)


@pytest.mark.own_database
def test_when_the_database_is_down_health_still_answers_and_ready_says_why_without_secrets(tmp_path):
    down = {
        "KINDRED_VAR_DIR": str(tmp_path),
        # Nothing listens on port 1: the connection is refused.
        "DATABASE_URL": "postgres://kindred:s3cret-password@127.0.0.1:1/kindred",
    }
    assert run_probe("/health/", **down) == (200, {"status": "ok"})
    status, body = run_probe("/ready/", **down)
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["migrations"]["ok"] is False
    assert "s3cret" not in json.dumps(body) and "kindred:" not in json.dumps(body)
