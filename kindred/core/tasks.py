"""Background tasks of the core app."""

from django.utils.translation import gettext_noop
from django_tasks import task

from kindred.core.jobs import job_run
from kindred.core.models import Job
from kindred.core.progress import Said


@task()
def check_worker(job_id: int) -> None:
    """A job that does nothing but report progress: shows that a worker is running."""

    def work(progress):
        for step in range(1, 4):
            progress(step, 3, Said(gettext_noop("step %(n)s of %(total)s"), n=step, total=3))
        return {"summary": {"steps": 3}}

    job_run(Job.objects.get(pk=job_id), work)


@task()
def scheduled_job_run(code: str) -> str:
    """Run a scheduled job queued by `kindred scheduler` (core/schedule.py); its outcome is stored."""
    from kindred.core.schedule import scheduled_job_execute

    return scheduled_job_execute(code).last_status
