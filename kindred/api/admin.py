"""Integrations and API tokens in the administration: to read, and to edit an integration's name and
description. Making an integration, its tokens, and deactivating it go through its pages
(/accounts/integrations/, api/views_integrations.py), which call the audited services; a token's
secret exists only on the page that made it."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from kindred.api.models import ApiToken, Integration


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fk_name = "user"
    fields = [
        "name",
        "prefix",
        "scope",
        "region",
        "organisation",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at", "deactivated_at"]
    search_fields = ["name"]
    fields = ["name", "description", "account_link", "created_by", "created_at", "deactivated_at", "page"]
    readonly_fields = ["account_link", "created_by", "created_at", "deactivated_at", "page"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="account (its roles)")
    def account_link(self, obj: Integration) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:accounts_user_change", args=[obj.account_id]),
            obj.account.email,
        )

    @admin.display(description="tokens, deactivation")
    def page(self, obj: Integration) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("api_integration", args=[obj.pk]), "the integration's page"
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every token, to see who holds which (revoke on the person's or the integration's page)."""

    list_display = ["prefix", "name", "user", "scope", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope"]
    search_fields = ["prefix", "name"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "id"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
