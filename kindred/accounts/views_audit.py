"""The audit log's pages (/audit/): the events a reader may see, which the permission layer decides
(accounts.access.audit_scope_for_user), so they live here, above the audit app that writes the log."""

from collections import defaultdict
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kindred.accounts.selectors import audit_events_for_user
from kindred.audit.models import AuditEvent
from kindred.core.csv_export import Echo, csv_writer

PAGE_SIZE = 50


def _action_filter(request) -> str:
    return request.GET.get("action", "")[:64]


def _labels_now(events: list[AuditEvent]) -> None:
    """Show each event's object as it is now, in the reader's language (the model's own text, made
    of codes and names: "… — Coordinator of …"), where the object still exists; else the label
    recorded when it happened. Set on the page's copies only, never saved (the CSV keeps the labels
    recorded at the time). One query per kind of object on the page."""
    ids: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            ids[event.object_type].add(event.object_id)
    for object_type, keys in ids.items():
        try:
            model = apps.get_model(object_type)
            related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
            found = model._default_manager.select_related(*related).in_bulk(list(keys))
        except (LookupError, ValueError, ValidationError):
            continue
        labels = {str(pk): str(obj)[:300] for pk, obj in found.items()}
        for event in events:
            if event.object_type == object_type and event.object_id in labels:
                event.object_label = labels[event.object_id]


@never_cache
@require_GET
@login_required
def event_list(request):
    """The audit log: who did what to which object, and when."""
    action = _action_filter(request)
    events = audit_events_for_user(request.user, action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    _labels_now(page.object_list)
    return render(
        request,
        "accounts/audit_log.html",
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
