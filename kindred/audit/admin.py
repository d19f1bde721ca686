from django.contrib import admin

from kindred.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the service functions only."""

    list_display = ["at", "actor", "action", "object_label"]
    list_filter = ["action"]
    search_fields = ["action", "object_label", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
