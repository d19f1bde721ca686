"""The Redis-backed queue (TASKS_BACKEND=redis) runs the same jobs through RQ workers."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.core.tasks import check_worker
call_command("migrate", verbosity=0)
job = job_create(kind=Job.Kind.RECOMPUTE, label="Redis check")
check_worker.enqueue(job.pk)
assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
call_command("worker", batch=True)
job.refresh_from_db()
print("STATUS", job.status, job.done)
"""


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_is_running(), reason="no Redis server on 127.0.0.1:6379")
def test_a_job_queued_in_redis_is_run_by_the_rq_worker(tmp_path, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # The Redis database of whoever runs the tests (REDIS_URL), or else one of six picked at random,
    # so that another run's worker on this machine does not take this test's job.
    redis_url = os.environ.get("REDIS_URL") or f"redis://127.0.0.1:6379/{9 + uuid.uuid4().int % 6}"
    env.update(
        DEBUG="true",
        KINDRED_VAR_DIR=str(tmp_path),
        TASKS_BACKEND="redis",
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="kindred.settings",
    )
    migrated_sqlite(
        tmp_path
    )  # the script's migrate then finds nothing to do (conftest.py: migrated once per run)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "STATUS succeeded 3" in result.stdout


def test_the_redis_queue_without_its_extra_installed_says_which_extra_to_install(tmp_path):
    # A module set to None in sys.modules is one Python's import system cannot find: as in a
    # production install from requirements/main.txt, which has no django-tasks-rq.
    code = "import sys; sys.modules['django_tasks_rq'] = None; import django; django.setup()"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DEBUG="true",
        KINDRED_VAR_DIR=str(tmp_path),
        TASKS_BACKEND="redis",
        DJANGO_SETTINGS_MODULE="kindred.settings",
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "TASKS_BACKEND=redis needs the `redis` extra" in result.stderr
    assert "requirements/redis.txt" in result.stderr
