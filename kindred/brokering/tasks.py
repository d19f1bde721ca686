from django_tasks import task

from kindred.brokering.models import Run
from kindred.brokering.services import run_compute
from kindred.core.jobs import job_run
from kindred.core.models import Job


@task()
def compute_run(job_id: int, run_id: int) -> None:
    """Brokering or formation for a region, in the background with progress."""
    run = Run.objects.get(pk=run_id)
    job_run(Job.objects.get(pk=job_id), lambda progress: run_compute(run=run, progress=progress))
