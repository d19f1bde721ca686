"""Background tasks of the school registry."""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from kindred.core.jobs import job_run
from kindred.core.models import Job
from kindred.schools.generation import country_generate
from kindred.schools.importing import (
    ImportFailed,
    ImportKind,
    links_import,
    measures_import,
    schools_import,
)

# The job page shows at most this many problems; the summary says how many there were.
PROBLEMS_SHOWN = 1000


@task()
def import_file(*, job_id: int, upload: str, kind: str, mapping: str = "") -> None:
    """Import an uploaded file (a name under MEDIA_ROOT) for `job_id`, recording the report on the job.

    A file with problems fails the job with every problem listed, and imports nothing.
    """
    job = Job.objects.get(pk=job_id)
    path = Path(settings.MEDIA_ROOT) / upload

    def work(progress):
        try:
            if kind == ImportKind.SCHOOLS:
                report = schools_import(path=path, mapping=mapping, progress=progress, by=job.created_by)
            elif kind == ImportKind.LINKS:
                report = links_import(path=path, progress=progress, by=job.created_by)
            else:
                report = measures_import(path=path, progress=progress, by=job.created_by)
        except ImportFailed as failed:
            outcome = failed.report.outcome()
            outcome["summary"][_("problems")] = len(failed.report.problems)
            outcome["problems"] = outcome["problems"][:PROBLEMS_SHOWN]
            job.outcome = outcome
            raise
        return report.outcome()

    job_run(job, work)


@task()
def generate_country_job(
    job_id: int, n_schools: int, seed: int, years: list[int], n_teachers: int | None = None
) -> None:
    """Generate a synthetic country in the worker, recording progress and a summary on the Job."""

    def work(progress):
        _country, summary = country_generate(
            n_schools=n_schools, seed=seed, years=years, n_teachers=n_teachers, progress=progress
        )
        return {"summary": summary.as_dict()}

    job_run(Job.objects.get(pk=job_id), work)
