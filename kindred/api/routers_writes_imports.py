"""Imports as background jobs, for a token with the write scope (docs/api.md, "Writing"): upload a
file as on the admin's import page, then read its job's progress and the problems it found.

Who may import is the import page's rule (schools.access.may_import: active staff who may add and
change schools); who may read a job is the job pages' rule (core.selectors.job_visible_to). The
upload is checked by the page's form (schools.forms.ImportForm: size, kind, mapping) and queued by
the page's service (schools.tasks.import_upload_start); the import itself audits what it writes.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import File, Form, Path, Router, Status, UploadedFile

from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, Problem
from kindred.api.schemas_writes import ImportIn, JobOut, JobProblemsOut, Refusal
from kindred.api.writes import cleaned, writer
from kindred.core.models import Job
from kindred.core.selectors import job_visible_to
from kindred.schools.access import may_import
from kindred.schools.forms import ImportForm, sheet_value
from kindred.schools.importing import ImportKind
from kindred.schools.importing.report import reason_worded
from kindred.schools.importing.service import JOB_KINDS
from kindred.schools.tasks import import_upload_start

router = Router(tags=["writing: imports"])

IMPORT_JOBS = set(JOB_KINDS.values())


def job_row(job: Job) -> dict:
    outcome = job.outcome if isinstance(job.outcome, dict) else {}
    groups = outcome.get("groups") or []
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.display_label,  # worded in the request's language
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.display_message,  # worded in the request's language
        "summary": outcome.get("summary") or {},
        "summary_line": job.display_summary_line,
        "problems": sum(g.get("count", 0) for g in groups),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.post(
    "/imports",
    response={202: JobOut, 403: Problem, 422: Refusal, 429: Problem},
    summary=gettext_noop("Upload a file to import (schools, measures or links) as a background job"),
    description=gettext_noop(
        'The admin\'s "Import a file": the file is kept and imported by the background worker; '
        "follow `GET /jobs/{id}` until it has succeeded or failed, then read `GET "
        "/jobs/{id}/problems`. A file with any problem imports nothing (unless `skip_bad_rows`). "
        "403 for anyone the import page refuses."
    ),
)
def import_start(request: HttpRequest, file: File[UploadedFile], fields: Form[ImportIn]):
    user, token = writer(request)
    if not may_import(user):
        raise PermissionDenied("Only staff who may add and change schools import files.")
    if token.organisation_id is not None:
        raise PermissionDenied(
            "A token scoped to an organisation reaches its networks only: it does not import."
        )
    data = cleaned(ImportForm(fields.dict(), {"file": file}))
    job = import_upload_start(
        upload=data["file"],
        kind=ImportKind(data["kind"]),
        mapping=data["mapping"],
        year=data["year"],
        sheet=sheet_value(data["sheet"]),
        skip_bad_rows=data["skip_bad_rows"],
        decimal_comma=data["decimal_comma"],
        country=data["country"],
        by=user,
    )
    return Status(202, job_row(job))


def _job(request: HttpRequest, job_id: int) -> Job:
    """An import's job, if the job pages show it to the token's person: 404 if there is none (or
    it is no import), 403 if it is someone else's and they may not view every job."""
    user, _token = caller(request)
    job = get_object_or_404(Job, pk=job_id, kind__in=IMPORT_JOBS)
    if not job_visible_to(user, job):
        raise PermissionDenied("Only the person who started this import, and site administrators, see it.")
    return job


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 403: Problem, 404: Problem},
    summary=gettext_noop("An import's job: its status and progress"),
)
def job_detail(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)):
    return job_row(_job(request, job_id))


@router.get(
    "/jobs/{job_id}/problems",
    response={200: JobProblemsOut, 403: Problem, 404: Problem},
    summary=gettext_noop("The problems an import found"),
    description=gettext_noop(
        "The problems its job page shows: grouped by cause, and the first 1,000 one by one (row, "
        "column, value, reason); those of the rows skipped when `skip_bad_rows` was asked apart."
    ),
)
def job_problems(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)):
    job = _job(request, job_id)
    outcome = job.outcome if isinstance(job.outcome, dict) else {}
    return {
        "groups": [_group(g) for g in outcome.get("groups") or []],
        "problems": [_problem(p) for p in outcome.get("problems") or []],
        "skipped_groups": [_group(g) for g in outcome.get("skipped_groups") or []],
        "skipped": [_problem(p) for p in outcome.get("skipped_problems") or []],
    }


def _problem(stored: dict) -> dict:
    """A stored problem with its reason worded in the request's language, beside its id and values."""
    reason, params = stored.get("reason") or "", stored.get("reason_params") or {}
    return {**stored, "reason": reason_worded(reason, params), "reason_id": reason, "reason_params": params}


def _group(stored: dict) -> dict:
    return {**_problem(stored), "first": [_problem(p) for p in stored.get("first") or []]}
