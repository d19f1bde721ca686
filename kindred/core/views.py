from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, render

from kindred.core.models import Job


@staff_member_required
def job_detail(request, pk: int):
    """A background job's progress and outcome. It refreshes itself only when the person asks
    (?refresh=on), and they can stop it: a page that reloads on its own fails WCAG 2.2.1."""
    job = get_object_or_404(Job, pk=pk)
    return render(
        request, "core/job_detail.html", {"job": job, "auto_refresh": request.GET.get("refresh") == "on"}
    )
