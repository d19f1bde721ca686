from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from kindred.core.models import Job


def job_visible_to(user, job: Job) -> bool:
    """The admin's rule for jobs: the "view job" permission (site admins have it), or having started it."""
    return user.has_perm("core.view_job") or (job.created_by_id is not None and job.created_by_id == user.pk)


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
