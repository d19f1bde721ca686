from contextlib import suppress

from django.utils.translation import gettext_noop
from django_tasks import task

from kindred.core.jobs import job_run
from kindred.core.locks import LockHeld
from kindred.core.models import Job
from kindred.core.progress import Said
from kindred.evidence.services import NotPublished, evidence_recompute, selfcheck_run


@task()
def recompute_evidence(job_id: int) -> None:
    """Families, relative performance and support categories, in the background with progress."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    holder = Said(  # kept on the lock as a message id, worded for whoever it refuses
        gettext_noop("background job %(id)d, started by %(person)s"),
        id=job.pk,
        person=str(job.created_by) if job.created_by else Said(gettext_noop("the system")),
    )

    def work(progress):
        outcome = evidence_recompute(by=job.created_by, progress=progress, holder=holder)
        if not outcome.get("published", True):
            raise NotPublished(
                Said(
                    gettext_noop(
                        "The new results were not published (%(why)s); the results already published stay."
                    ),
                    why="; ".join(outcome.get("why", []))[:200],  # the model's figures: technical, in English
                )
            )
        return outcome

    # refused by the lock, or results kept off the pages, is not a fault: the job is marked failed with
    # the message saying why
    with suppress(LockHeld, NotPublished):
        job_run(job, work)


@task()
def run_selfcheck(job_id: int) -> None:
    """The planted-truth self-check, in the background with progress; stored for the model page."""
    job = Job.objects.select_related("created_by").get(pk=job_id)

    def work(progress):
        check = selfcheck_run(by=job.created_by, progress=progress)
        return {"summary": {"passed": check.passed, "schools": check.schools, "seconds": check.seconds}}

    job_run(job, work)
