"""Reads of background jobs."""

from django.db.models import QuerySet

from kindred.core.models import Job


def jobs_recent() -> QuerySet[Job]:
    """Every job, newest first, with who started it (one query a page)."""
    return Job.objects.select_related("created_by").order_by("-created_at", "-pk")
