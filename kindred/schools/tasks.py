"""Background tasks of the school registry."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop
from django_tasks import task

from kindred.core.jobs import job_create, job_run
from kindred.core.models import Job
from kindred.core.progress import Said
from kindred.schools.importing import (
    ImportFailed,
    ImportKind,
    links_import,
    measures_import,
    schools_import,
)
from kindred.schools.importing.report import problems_write_csv
from kindred.schools.importing.service import JOB_KINDS, upload_store
from kindred.schools.importing.uploads import ERRORS_DIR, upload_finished, uploads_clean

# The job page lists at most this many problems one by one (and every cause, grouped); the
# errors CSV it links to has them all.
PROBLEMS_SHOWN = 1000

# An import job's title, without and with the mapping's name (worded for each reader: Job.display_label).
IMPORT_TITLES = {
    Job.Kind.IMPORT_SCHOOLS: (
        gettext_noop("Import schools: %(file)s"),
        gettext_noop("Import schools: %(file)s (%(mapping)s)"),
    ),
    Job.Kind.IMPORT_MEASURES: (
        gettext_noop("Import measures: %(file)s"),
        gettext_noop("Import measures: %(file)s (%(mapping)s)"),
    ),
    Job.Kind.IMPORT_LINKS: (
        gettext_noop("Import links between schools: %(file)s"),
        gettext_noop("Import links between schools: %(file)s (%(mapping)s)"),
    ),
}


@task()
def import_file(
    *,
    job_id: int,
    upload: str,
    kind: str,
    mapping: str = "",
    year: int | None = None,
    sheet: str | int | None = None,
    skip_bad_rows: bool = False,
    decimal_comma: bool = False,
    country: str = "",
) -> None:
    """Import an uploaded file (a name under MEDIA_ROOT) for `job_id`, recording the report on the job.

    `mapping` is a ready mapping's name, or a path (a mapping saved by the builder). A file with
    problems fails the job with every problem grouped by cause, the first listed, all of them in
    an errors CSV, and imports nothing. The upload is deleted when the job succeeds and kept
    IMPORT_FAILED_UPLOAD_DAYS days when it fails. With `skip_bad_rows` the rows with problems
    are skipped, listed on the job and in its errors CSV, and the rest is imported.
    """
    job = Job.objects.get(pk=job_id)
    path = Path(settings.MEDIA_ROOT) / upload
    uploads_clean()

    def errors_file(problems) -> str:
        errors = Path(settings.MEDIA_ROOT) / ERRORS_DIR / f"job-{job.pk}.csv"
        errors.parent.mkdir(parents=True, exist_ok=True)
        with errors.open("w", encoding="utf-8", newline="") as handle:
            problems_write_csv(problems, handle, stored=True)
        return str(errors.relative_to(settings.MEDIA_ROOT))

    def work(progress):
        try:
            if kind == ImportKind.SCHOOLS:
                report = schools_import(
                    path=path,
                    mapping=mapping,
                    progress=progress,
                    by=job.created_by,
                    year=year,
                    sheet=sheet,
                    skip_bad_rows=skip_bad_rows,
                    decimal_comma=decimal_comma,
                    country=country or None,
                )
            elif kind == ImportKind.LINKS:
                report = links_import(path=path, progress=progress, by=job.created_by)
            else:
                report = measures_import(
                    path=path,
                    progress=progress,
                    by=job.created_by,
                    sheet=sheet,
                    skip_bad_rows=skip_bad_rows,
                    decimal_comma=decimal_comma,
                )
        except ImportFailed as failed:
            outcome = failed.report.outcome(problems_shown=PROBLEMS_SHOWN)
            outcome["summary"][gettext_noop("problems")] = len(failed.report.problems)  # worded when read
            outcome["errors_file"] = errors_file(failed.report.problems)
            job.outcome = outcome
            raise
        outcome = report.outcome(problems_shown=PROBLEMS_SHOWN)
        if report.skipped_problems:
            outcome["errors_file"] = errors_file(report.skipped_problems)
        return outcome

    try:
        job_run(job, work)
    finally:
        upload_finished(path, succeeded=job.status == Job.Status.SUCCEEDED)


def import_upload_start(
    *,
    upload: UploadedFile | None = None,
    stored: str | None = None,
    kind: ImportKind,
    mapping: str = "",
    mapping_label: str = "",
    year: int | None = None,
    sheet: str | int | None = None,
    skip_bad_rows: bool = False,
    decimal_comma: bool = False,
    country: str = "",
    by=None,
) -> Job:
    """Queue the import of an uploaded file as a background job: a new upload (saved under
    MEDIA_ROOT/imports/), or one already `stored` there (by the mapping builder).

    `mapping`: a ready mapping's name or a mapping file's path; `mapping_label` names it on the job;
    `country`: a schools file's country (default the installation's)."""
    if stored is None:
        assert upload is not None
        stored = upload_store(upload=upload)
    original = Path(upload.name if upload is not None else stored).name
    if upload is None:
        original = original.split("-", 1)[-1]  # the stored name starts with a random prefix
    job_kind = JOB_KINDS[kind]
    shown_mapping = mapping_label or mapping
    plain, mapped = IMPORT_TITLES[job_kind]
    label = (
        Said(mapped, file=original, mapping=shown_mapping) if shown_mapping else Said(plain, file=original)
    )
    job = job_create(kind=job_kind, label=label, by=by)
    transaction.on_commit(
        lambda: import_file.enqueue(
            job_id=job.pk,
            upload=stored,
            kind=str(kind),
            mapping=mapping,
            year=year,
            sheet=sheet,
            skip_bad_rows=skip_bad_rows,
            decimal_comma=decimal_comma,
            country=country,
        )
    )
    return job
