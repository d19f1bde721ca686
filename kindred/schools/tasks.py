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
from kindred.schools.importing.report import problems_write_csv
from kindred.schools.importing.uploads import ERRORS_DIR, upload_finished, uploads_clean

# The job page lists at most this many problems one by one (and every cause, grouped); the
# errors CSV it links to has them all.
PROBLEMS_SHOWN = 1000


@task()
def import_file(
    *,
    job_id: int,
    upload: str,
    kind: str,
    mapping: str = "",
    year: int | None = None,
    sheet: str | int | None = None,
) -> None:
    """Import an uploaded file (a name under MEDIA_ROOT) for `job_id`, recording the report on the job.

    `mapping` is a ready mapping's name, or a path (a mapping saved by the builder). A file with
    problems fails the job with every problem grouped by cause, the first listed, all of them in
    an errors CSV, and imports nothing. The upload is deleted when the job succeeds and kept
    IMPORT_FAILED_UPLOAD_DAYS days when it fails.
    """
    job = Job.objects.get(pk=job_id)
    path = Path(settings.MEDIA_ROOT) / upload
    uploads_clean()

    def work(progress):
        try:
            if kind == ImportKind.SCHOOLS:
                report = schools_import(
                    path=path, mapping=mapping, progress=progress, by=job.created_by, year=year, sheet=sheet
                )
            elif kind == ImportKind.LINKS:
                report = links_import(path=path, progress=progress, by=job.created_by)
            else:
                report = measures_import(path=path, progress=progress, by=job.created_by, sheet=sheet)
        except ImportFailed as failed:
            outcome = failed.report.outcome(problems_shown=PROBLEMS_SHOWN)
            outcome["summary"][_("problems")] = len(failed.report.problems)
            errors = Path(settings.MEDIA_ROOT) / ERRORS_DIR / f"job-{job.pk}.csv"
            errors.parent.mkdir(parents=True, exist_ok=True)
            with errors.open("w", encoding="utf-8", newline="") as handle:
                problems_write_csv(failed.report.problems, handle)
            outcome["errors_file"] = str(errors.relative_to(settings.MEDIA_ROOT))
            job.outcome = outcome
            raise
        return report.outcome(problems_shown=PROBLEMS_SHOWN)

    try:
        job_run(job, work)
    finally:
        upload_finished(path, succeeded=job.status == Job.Status.SUCCEEDED)


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
