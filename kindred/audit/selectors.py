"""Reads of the audit log, limited to what the reader may see."""

from django.db.models import QuerySet

from kindred.accounts.access import audit_scope_for_user
from kindred.audit.models import AuditEvent


def audit_events_for_user(user, *, action: str = "") -> QuerySet[AuditEvent]:
    """Events `user` may read (all for site admins, their region's for system leaders); 404 for others."""
    events = AuditEvent.objects.filter(audit_scope_for_user(user)).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    return events
