from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kindred.audit.selectors import audit_events_for_user
from kindred.core.csv_export import Echo, csv_writer

PAGE_SIZE = 50


def _action_filter(request) -> str:
    return request.GET.get("action", "")[:64]


@never_cache
@require_GET
@login_required
def event_list(request):
    """The audit log: who did what to which object, and when."""
    action = _action_filter(request)
    events = audit_events_for_user(request.user, action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "page_obj": page,
            "action": action,
            "querystring_without_page": f"{urlencode({'action': action})}&" if action else "",
        },
    )


@never_cache
@require_GET
@login_required
def event_export(request):
    """The same events as a CSV file."""
    events = audit_events_for_user(request.user, action=_action_filter(request))
    writer = csv_writer(Echo())
    header = ["at", "actor", "action", "object_type", "object_id", "object", "school", "details"]

    def rows():
        yield writer.writerow(header)
        for event in events.select_related("school").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor_label,
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.object_label,
                    event.school.registry_id if event.school else "",
                    event.details,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kindred-audit-log.csv"'
    return response
