"""The admin for the messageboards: threads, posts, reports and sent e-mail are history, shown and
never edited here (`HistoryAdmin`); moderation (hiding, pinning) happens on the board, whose
services audit it. Searching posts uses the board's full-text index (board/search.py), never a
scan of 500,000 bodies; people are found through the people search (accounts/search.py).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kindred.board import delivery
from kindred.board.models import (
    NotificationSettings,
    OutgoingEmail,
    OutgoingPush,
    Post,
    PostReport,
    PushSubscription,
    Thread,
)
from kindred.core.admin_site import HistoryAdmin, people_search
from kindred.core.search import matching


@admin.register(Thread)
class ThreadAdmin(HistoryAdmin):
    list_display = ["title", "network", "pinned", "post_count", "last_post_at"]
    list_select_related = ["network"]
    list_filter = ["pinned"]
    search_fields = ["title"]


@admin.register(Post)
class PostAdmin(HistoryAdmin):
    list_display = ["__str__", "network", "author", "created_at", "edited_at", "hidden_at", "deleted_at"]
    list_select_related = ["thread", "network", "author"]
    exclude = ["mentions"]

    def get_search_results(self, request, queryset, search_term):
        return matching("posts", queryset, search_term, everywhere=True), False

    def get_search_fields(self, request):
        return ["body"]  # shows the search box; the search itself is get_search_results'


@admin.register(PostReport)
class PostReportAdmin(HistoryAdmin):
    list_display = ["post", "reported_by", "reason", "created_at", "resolved_at"]
    list_select_related = ["post__thread", "reported_by"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email_at_once", "digest", "last_digest_at"]
    list_select_related = ["user"]
    list_filter = ["digest", "email_at_once"]
    readonly_fields = ["user", "digest_watermark", "last_digest_at"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # made with the person's first visit to the board (or their settings page)

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unsent", _("Waiting")), ("sent", _("Sent")), ("set_aside", _("Set aside"))]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "set_aside":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=False)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(HistoryAdmin):
    list_display = ["to", "kind", "subject", "created_at", "sent_at", "failed_at", "failure"]
    list_filter = [OutboxStateFilter, "kind"]
    actions = ["send_again"]

    def has_retry_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description=_("Send again (e-mails set aside)"), permissions=["retry"])
    def send_again(self, request, queryset):
        count = delivery.outbox_retry(ids=queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(request, _("%(n)d e-mails are back in the outbox.") % {"n": count})

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(HistoryAdmin):
    """People's browsers with web push on: made and removed by the people themselves (settings page)."""

    list_display = ["user", "device", "created_at", "last_success_at", "last_failure_at", "last_failure"]
    list_select_related = ["user"]
    exclude = ["p256dh", "auth_secret"]

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]


@admin.register(OutgoingPush)
class OutgoingPushAdmin(HistoryAdmin):
    list_display = ["user", "title", "created_at", "sent_at", "fell_back_at"]
    list_select_related = ["user"]

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]
