"""Reads of background jobs."""

from django.db.models import QuerySet

from kindred.core.models import Job


def jobs_recent() -> QuerySet[Job]:
    """Every job, newest first, with who started it (one query a page)."""
    return Job.objects.select_related("created_by").order_by("-created_at", "-pk")


def job_visible_to(user, job: Job) -> bool:
    """The admin's rule for jobs (the job pages and the API): the "view job" permission (site
    admins have it), or having started it."""
    return user.has_perm("core.view_job") or (job.created_by_id is not None and job.created_by_id == user.pk)
