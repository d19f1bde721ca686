"""The imports as services: called alike by the `kindred import` command and the admin's job."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from kindred.audit.services import audit
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.core.progress import Progress, no_progress
from kindred.schools.catalogue import MEASURES
from kindred.schools.importing.links import plan_links_file
from kindred.schools.importing.mapping import Mapping, mapping_load
from kindred.schools.importing.planning import plan_measures_file, plan_schools_file
from kindred.schools.importing.reading import read_table
from kindred.schools.importing.report import ImportFailed, ImportReport
from kindred.schools.importing.writing import links_plan_write, plan_write
from kindred.schools.models import MeasureDefinition, School, SchoolLink

UPLOAD_DIR = "imports"


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("Schools (and any measure columns), read through a mapping")
    MEASURES = "measures", _("Measures, long format: school_id, measure, year, value, cohort")
    LINKS = "links", _("Predecessor and successor links (Get Information About Schools links file)")


JOB_KINDS = {
    ImportKind.SCHOOLS: Job.Kind.IMPORT_SCHOOLS,
    ImportKind.MEASURES: Job.Kind.IMPORT_MEASURES,
    ImportKind.LINKS: Job.Kind.IMPORT_LINKS,
}


def _registry_ids() -> set[str]:
    return set(School.objects.values_list("registry_id", flat=True))


def _write_audited(plan, *, by, action: str, progress: Progress, write=plan_write, **details) -> ImportReport:
    """Refuse a plan with problems (audited as a rejection); otherwise write it and audit the import."""
    if not plan.ok:
        audit(by, "import.rejected", None, problems=len(plan.report.problems), **details)
        raise ImportFailed(plan.report)
    with transaction.atomic():
        report = write(plan, progress=progress)
        audit(by, action, None, **details, summary={str(k): v for k, v in report.summary().items()})
    return report


def schools_import(
    *, path: str | Path, mapping: Mapping | str | Path, progress: Progress = no_progress, by=None
) -> ImportReport:
    """Import a schools file through a column mapping (a Mapping, a ready mapping's name or a path).

    The whole file is checked first; if it has any problem, ImportFailed is raised with every
    problem listed and nothing is written. Raises MappingError for an unusable mapping.
    """
    if not isinstance(mapping, Mapping):
        mapping = mapping_load(mapping)
    table = read_table(path)
    plan = plan_schools_file(
        table, mapping, existing_ids=_registry_ids(), file=Path(path).name, progress=progress
    )
    return _write_audited(
        plan, by=by, action="import.schools", progress=progress, file=Path(path).name, mapping=mapping.name
    )


def measures_import(*, path: str | Path, progress: Progress = no_progress, by=None) -> ImportReport:
    """Import a long measures file: `school_id,measure,year,value,cohort` (cohort optional)."""
    table = read_table(path)
    known = set(MEASURES) | set(MeasureDefinition.objects.values_list("code", flat=True))
    plan = plan_measures_file(
        table, existing_ids=_registry_ids(), known_codes=known, file=Path(path).name, progress=progress
    )
    return _write_audited(plan, by=by, action="import.measures", progress=progress, file=Path(path).name)


def links_import(*, path: str | Path, progress: Progress = no_progress, by=None) -> ImportReport:
    """Import a links file (`URN, LinkURN, LinkType, LinkEstablishedDate`, as GIAS publishes it):
    predecessor and successor schools, each link stored once. See docs/importing.md."""
    table = read_table(path)
    school_types = dict(School.objects.values_list("registry_id", "school_type"))
    existing_pairs = set(SchoolLink.objects.values_list("predecessor__registry_id", "successor__registry_id"))
    plan = plan_links_file(
        table,
        school_types=school_types,
        existing_pairs=existing_pairs,
        file=Path(path).name,
        progress=progress,
    )
    return _write_audited(
        plan, by=by, action="import.links", progress=progress, write=links_plan_write, file=Path(path).name
    )


def stored_file_name(name: str | None, *, max_bytes: int = 120) -> str:
    """The upload's own name, shortened to fit the file system's 255-byte limit beside our prefix.

    The extension is kept; the cut is made in bytes (UTF-8), so names in any script fit.
    """
    path = Path(name or "upload.csv")
    suffix = path.suffix.encode()[:20].decode(errors="ignore")
    stem = path.name[: len(path.name) - len(path.suffix)] if path.suffix else path.name
    stem = stem.encode()[: max_bytes - len(suffix.encode())].decode(errors="ignore")
    return (stem or "upload") + suffix


def import_upload_start(*, upload: UploadedFile, kind: ImportKind, mapping: str = "", by=None) -> Job:
    """Save an uploaded file under MEDIA_ROOT/imports/ and queue its import as a background job."""
    from kindred.schools.tasks import import_file

    storage = FileSystemStorage(location=Path(settings.MEDIA_ROOT) / UPLOAD_DIR)
    stored = storage.save(f"{uuid.uuid4().hex}-{stored_file_name(upload.name)}", upload)
    job_kind = JOB_KINDS[kind]
    label = f"{job_kind.label}: {Path(upload.name or '').name}" + (f" ({mapping})" if mapping else "")
    job = job_create(kind=job_kind, label=label, by=by)
    name = f"{UPLOAD_DIR}/{stored}"
    transaction.on_commit(
        lambda: import_file.enqueue(job_id=job.pk, upload=name, kind=str(kind), mapping=mapping)
    )
    return job
