import pytest
from django.core.management import call_command

from kindred.core.jobs import job_create, job_run
from kindred.core.models import Job
from kindred.core.tasks import check_worker

pytestmark = pytest.mark.django_db


def test_a_finished_job_records_its_outcome_and_full_progress():
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute")

    def work(progress):
        progress(5, 10, "halfway")
        return {"summary": {"rows": 10}}

    job_run(job, work)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.outcome == {"summary": {"rows": 10}}
    assert job.done == job.total == 10
    assert job.finished_at is not None
    assert job.message == ""


def test_a_failing_job_records_the_error_and_reraises():
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute")

    def work(progress):
        raise ValueError("the file has no URN column")

    with pytest.raises(ValueError):
        job_run(job, work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "no URN column" in job.message


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(settings):
    """The worker closes its database connections between tasks, so this test commits for real."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Worker check")
    check_worker.enqueue(job.pk)
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.done == 3


def test_job_page_shows_progress_to_staff_only(client, django_user_model):
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence")
    assert client.get(job.get_absolute_url()).status_code == 302
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "Recompute evidence" in body and "<progress" in body
