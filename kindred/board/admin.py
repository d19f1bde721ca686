from django.contrib import admin

from kindred.board.models import NotificationSettings, OutgoingEmail, PostReport, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "pinned", "post_count", "last_post_at"]
    list_select_related = ["network"]
    search_fields = ["title"]
    raw_id_fields = ["network", "created_by"]


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reported_by", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reported_by"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email_at_once", "digest", "last_digest_at"]
    raw_id_fields = ["user"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "kind", "subject", "created_at", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False
