"""Only one recompute at a time: a second one is refused with who holds the lock and since when,
and a lock left by a crashed recompute lapses instead of blocking every later one."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from kindred.core.jobs import job_create
from kindred.core.locks import LockHeld, lock_hold
from kindred.core.models import Job, Lock
from kindred.evidence.models import EvidenceRun
from kindred.evidence.services import RECOMPUTE_LOCK, families_recompute, performance_recompute
from kindred.evidence.tasks import recompute_evidence


@pytest.mark.django_db
def test_a_second_recompute_is_refused_with_who_started_the_first_and_when_and_writes_nothing():
    performance_recompute()
    runs = list(EvidenceRun.objects.values_list("pk", "status"))
    with lock_hold(RECOMPUTE_LOCK, what="A recompute", holder="background job 7, started by ada@example.org"):
        with pytest.raises(LockHeld) as refused:
            performance_recompute()
        with pytest.raises(LockHeld):
            families_recompute()
    message = str(refused.value)
    assert "A recompute is already running (started at " in message
    assert "by background job 7, started by ada@example.org" in message
    assert list(EvidenceRun.objects.values_list("pk", "status")) == runs  # nothing started, nothing dropped


@pytest.mark.django_db
def test_the_lock_is_released_when_a_recompute_ends_and_when_it_fails():
    performance_recompute()
    assert not Lock.objects.exists()

    def fail(done, total=None, message=""):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        performance_recompute(progress=fail)
    assert not Lock.objects.exists()
    performance_recompute()  # and the next one runs


@pytest.mark.django_db
def test_the_command_refuses_with_the_message_and_a_non_zero_exit_status():
    with lock_hold(RECOMPUTE_LOCK, what="A recompute", holder="someone else"):
        with pytest.raises(CommandError, match="already running") as refused:
            call_command("performance", verbosity=0)
        with pytest.raises(CommandError, match="already running"):
            call_command("families", "--no-fit", verbosity=0)
    assert refused.value.returncode == 1


@pytest.mark.django_db
def test_a_recompute_job_refused_by_the_lock_fails_and_shows_the_message(client, django_user_model, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    with lock_hold(RECOMPUTE_LOCK, what="A recompute", holder="the command line on host (process 1)"):
        job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence", by=admin)
        recompute_evidence.enqueue(job.pk)  # queued before the other recompute started
    job = Job.objects.get(kind=Job.Kind.RECOMPUTE)
    assert job.status == Job.Status.FAILED
    assert "already running" in job.display_message and "the command line on host" in job.display_message
    assert "already running" in client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_recompute_button_says_at_once_that_a_recompute_is_running_and_queues_nothing(
    client, django_user_model
):
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    with lock_hold(RECOMPUTE_LOCK, what="A recompute", holder="background job 3, started by ada@example.org"):
        response = client.post("/evidence/recompute/", follow=True)
    assert not Job.objects.exists()
    page = response.content.decode()
    assert "A recompute is already running" in page and "background job 3, started by ada@example.org" in page


@pytest.mark.django_db
def test_a_lock_left_by_a_crashed_recompute_lapses_and_the_next_recompute_runs():
    long_ago = timezone.now() - timedelta(hours=2)
    Lock.objects.create(
        name=RECOMPUTE_LOCK,
        token="crashed",
        holder="a worker that died",
        started_at=long_ago,
        expires_at=long_ago,
    )
    performance_recompute()  # an empty registry: nothing to estimate, so the run is kept off the pages
    assert EvidenceRun.objects.filter(kind="performance", status="failed").exists()
    assert not Lock.objects.exists()


@pytest.mark.django_db
def test_every_progress_report_renews_the_lock():
    seen = []

    def look(done, total=None, message=""):
        seen.append(Lock.objects.get(name=RECOMPUTE_LOCK).expires_at)

    performance_recompute(progress=look)
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] > seen[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two real connections at once: PostgreSQL")
def test_two_recomputes_at_once_on_postgresql_one_runs_and_the_other_is_refused():
    inside, tried = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first():
        def wait_for_second(done, total=None, message=""):
            if message == "storing":
                inside.set()
                tried.wait(timeout=30)

        try:
            outcome["first"] = performance_recompute(progress=wait_for_second)
        except Exception as error:  # pragma: no cover - reported below
            outcome["first"] = error
        finally:
            connection.close()

    def second():
        inside.wait(timeout=30)
        try:
            outcome["second"] = performance_recompute()
        except Exception as error:
            outcome["second"] = error
        finally:
            tried.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert isinstance(outcome["second"], LockHeld), outcome
    assert isinstance(outcome["first"], dict), outcome
    # One run only, the first's: an empty registry stores nothing, so Evidence v3 keeps it unpublished.
    assert list(EvidenceRun.objects.filter(kind="performance").values_list("status", flat=True)) == ["failed"]
    assert not Lock.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two real connections at once: PostgreSQL")
def test_two_takers_at_the_same_instant_on_postgresql_exactly_one_gets_the_lock():
    barrier = threading.Barrier(2)
    release = threading.Event()
    results: list[str] = []

    def take(name):
        try:
            barrier.wait(timeout=10)
            with lock_hold(RECOMPUTE_LOCK, what="A recompute", holder=name):
                results.append("held")
                release.wait(timeout=10)
        except LockHeld:
            results.append("refused")
            release.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(f"taker {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["held", "refused"]
    assert not Lock.objects.exists()
