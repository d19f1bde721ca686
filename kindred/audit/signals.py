"""Changes made in the admin site are audited too: Django writes a LogEntry for each, and we copy it."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from kindred.audit.services import audit

ADMIN_ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


@receiver(post_save, sender=LogEntry, dispatch_uid="kindred_audit_admin_log_entry")
def admin_change_audited(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    obj = None
    if instance.action_flag != DELETION:
        try:
            obj = instance.get_edited_object()
        except Exception:  # the object is gone by the time we look: keep its description only
            obj = None
    details = {"object": instance.object_repr[:300], "change": instance.get_change_message()[:1000]}
    if instance.content_type_id:
        details["type"] = instance.content_type.model
        details["id"] = instance.object_id
    audit(instance.user, ADMIN_ACTIONS.get(instance.action_flag, "admin.changed"), obj, **details)
