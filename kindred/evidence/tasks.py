from django_tasks import task

from kindred.core.jobs import job_run
from kindred.core.models import Job
from kindred.evidence.services import evidence_recompute


@task()
def recompute_evidence(job_id: int) -> None:
    """Families, relative performance and support categories, in the background with progress."""
    job_run(Job.objects.get(pk=job_id), lambda progress: evidence_recompute(progress=progress))
