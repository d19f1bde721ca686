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
    assert "no URN column" in job.display_message and "no URN column" in job.display_error


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


def test_a_running_job_s_page_updates_in_place_and_reloads_only_when_asked(client, django_user_model):
    """Issue 21, item 5: no progress page reloads by itself. While the job runs, its status is marked
    for progress.js to update in place (with a pause button); without JavaScript a "Check again" link,
    and a refresh every 5 seconds only for whoever asks for it, with a way to stop it."""
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence")
    client.force_login(django_user_model.objects.create_superuser(email="admin@example.org", password="x"))
    body = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in body
    assert 'data-progress-poll="3"' in body and "kindred/progress.js" in body
    assert ">Check again</a>" in body and 'href="?refresh=on"' in body
    asked = client.get(job.get_absolute_url(), {"refresh": "on"}).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in asked and "Stop refreshing this page" in asked
    assert "data-progress-poll" not in asked  # the page reloads: nothing to update in place
    job_run(job, lambda progress: {"summary": {"rows": 1}})
    done = client.get(job.get_absolute_url(), {"refresh": "on"}).content.decode()
    assert "data-progress-poll" not in done and 'http-equiv="refresh"' not in done


def test_job_page_shows_progress_to_staff_only(client, django_user_model):
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence")
    assert client.get(job.get_absolute_url()).status_code == 302
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    body = client.get(job.get_absolute_url()).content.decode()
    assert "Recompute evidence" in body and "<progress" in body


def test_the_jobs_list_says_what_who_when_status_and_links_each_report(client, site_admin):
    done = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="Import schools: gias.csv (gias)", by=site_admin)
    job_run(done, lambda progress: {"summary": {}})
    failed = job_create(kind=Job.Kind.IMPORT_MEASURES, label="Import measures: m.csv", by=None)
    with pytest.raises(ValueError):
        job_run(failed, lambda progress: (_ for _ in ()).throw(ValueError("bad")))
    client.force_login(site_admin)
    page = client.get("/jobs/").content.decode()
    assert "Import schools: gias.csv (gias)" in page and site_admin.email in page
    assert "✓ Succeeded" in page and "✗ Failed" in page  # a sign besides the word, not colour alone
    assert "the system" in page  # a job nobody started
    assert f'href="/jobs/{done.pk}/"' in page and f'href="/jobs/{failed.pk}/"' in page
    assert page.index("Import measures: m.csv") < page.index("Import schools: gias.csv")  # newest first


def test_the_jobs_list_reads_a_page_in_a_fixed_number_of_queries(
    client, site_admin, django_assert_max_num_queries
):
    for n in range(60):
        job_create(kind=Job.Kind.RECOMPUTE, label=f"Recompute {n}", by=site_admin)
    client.force_login(site_admin)
    with django_assert_max_num_queries(6):
        page = client.get("/jobs/")
    assert "Page 1 of 2" in page.content.decode()


def test_the_jobs_list_says_what_to_do_when_no_job_has_run(client, site_admin):
    client.force_login(site_admin)
    assert "No job has run yet" in client.get("/jobs/").content.decode()


def test_a_failed_import_job_offers_every_problem_as_csv(client, site_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports" / "errors").mkdir(parents=True)
    (tmp_path / "imports" / "errors" / "job-1.csv").write_text("row,column,value,reason\n2,URN,x,bad\n")
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="Import", by=site_admin)
    job.outcome = {"errors_file": "imports/errors/job-1.csv"}
    job.save()
    client.force_login(site_admin)
    response = client.get(f"/jobs/{job.pk}/problems.csv")
    assert response["Content-Disposition"] == f'attachment; filename="job-{job.pk}-problems.csv"'
    assert b"".join(response.streaming_content) == b"row,column,value,reason\n2,URN,x,bad\n"
    job.outcome = {"errors_file": "../../etc/passwd"}
    job.save()
    assert client.get(f"/jobs/{job.pk}/problems.csv").status_code == 404
