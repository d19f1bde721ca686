from pathlib import Path

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kindred.core.csv_export import csv_worded
from kindred.core.models import Job
from kindred.core.schedule import schedule_overview
from kindred.core.selectors import job_visible_to, jobs_recent

PAGE_SIZE = 50


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check (setting CSRF_FAILURE_VIEW): the site's own page, in the
    person's language, saying what to do. The reason is for the logs, not for the page."""
    return render(request, "403_csrf.html", status=403)


@require_GET
@staff_member_required
def job_list(request):
    """Every background job: what, who started it, when, its status and a link to its report."""
    jobs = jobs_recent()
    if not request.user.has_perm("core.view_job"):
        jobs = jobs.filter(created_by=request.user)  # the admin's rule for jobs, as on job_detail
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page_obj": page, "querystring_without_page": ""})


@never_cache
@staff_member_required
def job_detail(request, pk: int):
    """A background job's progress and outcome. It refreshes itself only when the person asks
    (?refresh=on), and they can stop it: a page that reloads on its own fails WCAG 2.2.1.

    Import reports name schools and rows of uploaded files, so the staff flag alone is not
    enough: the reader needs the "view job" permission or to be the one who started the job.
    """
    job = get_object_or_404(Job, pk=pk)
    if not job_visible_to(request.user, job):
        raise PermissionDenied
    return render(
        request, "core/job_detail.html", {"job": job, "auto_refresh": request.GET.get("refresh") == "on"}
    )


@require_GET
@staff_member_required
def job_errors(request, pk: int):
    """The CSV of every problem a job found (row, column, value, reason), while it is kept, its
    reasons in the language of whoever downloads it."""
    job = get_object_or_404(Job, pk=pk)
    if not job_visible_to(request.user, job):
        raise PermissionDenied
    name = job.outcome.get("errors_file") if isinstance(job.outcome, dict) else None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve() if name else None
    if path is None or root not in path.parents or not path.is_file():
        raise Http404(_("This job's list of problems is not kept any more."))
    response = StreamingHttpResponse(_csv_worded_from(path), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-problems.csv"'
    return response


def _csv_worded_from(path: Path):
    """The kept CSV at `path`, its reasons worded in the reader's language (csv_worded)."""
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv_worded(handle)


@require_GET
@never_cache
@staff_member_required
def job_schedule(request):
    """The scheduled jobs (site admins): each one's schedule, last run, outcome and next run."""
    if not request.user.is_superuser:
        raise PermissionDenied
    overview = schedule_overview()
    return render(
        request,
        "core/job_schedule.html",
        {
            "overview": overview,
            "never_ran": all(item.row is None for item in overview),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
