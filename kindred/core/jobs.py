"""Write path for background jobs: create one, run it with progress, record its outcome."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from kindred.core.models import Job
from kindred.core.progress import Progress, Said, job_progress, said_of, stored_message


def job_create(*, kind: Job.Kind, label: str, by=None) -> Job:
    """A queued job. `label` is its title, said as a progress message is: an English message id
    (`gettext_noop("Recompute evidence")`), or a `Said` with the file's or region's name in it;
    the job keeps the id and the values, and `Job.display_label` words them for each reader."""
    text, params = stored_message(label, length=200)
    return Job.objects.create(kind=kind, label=text, label_params=params, created_by=by)


def job_run(job: Job, work: Callable[[Progress], dict[str, Any]]) -> Job:
    """Run `work(progress)` for `job`, storing its returned outcome, or the error it raised."""
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        outcome = work(job_progress(job))
    except Exception as error:
        text, params = stored_message(failure_said(error))
        job.status, job.message, job.message_params = Job.Status.FAILED, text, params
        job.outcome = {**job.outcome, "error": text, "error_params": params}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "message_params", "outcome", "finished_at"])
        raise
    job.status, job.outcome, job.finished_at = Job.Status.SUCCEEDED, outcome, timezone.now()
    job.message, job.message_params = "", {}  # the last step's ("writing measures") no longer fits
    if job.total is not None:
        job.done = job.total
    job.save(update_fields=["status", "outcome", "finished_at", "done", "message", "message_params"])
    return job


def failure_said(error: BaseException) -> Said:
    """What a failed job says, worded for each reader (Job.display_error): a known failure's own
    message (raised with a `Said`, kindred.core.progress), else a sentence saying the job stopped
    on an unexpected error, with the error's technical detail as it was written."""
    said = said_of(error)
    if said is not None:
        return said
    detail = f"{type(error).__name__}: {error}"[:1000]
    return Said(
        gettext_noop("The job stopped on an unexpected error. Technical detail: %(detail)s"), detail=detail
    )
