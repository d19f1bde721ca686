from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from kindred.events.models import Event, OccurrenceChange, Registration, TermPeriod
from kindred.events.services import holiday_skips_refresh


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "starts_at", "network", "school", "region", "host_school", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["network", "school", "region", "host_school", "host_organisation", "created_by"]
    # When it was made is a record; the admin's date widgets would also drop its microseconds.
    readonly_fields = ["series_ends_at", "ical", "created_at"]


@admin.register(OccurrenceChange)
class OccurrenceChangeAdmin(admin.ModelAdmin):
    list_display = ["event", "original_start", "cancelled", "starts_at"]
    raw_id_fields = ["event"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "occurrence_start",
        "user",
        "school",
        "places",
        "status",
        "attended",
        "reminder_failure",
    ]
    list_filter = ["status"]
    raw_id_fields = ["event", "user", "school"]
    # The waiting list is in the order people registered: saving the row must not round that time.
    readonly_fields = ["created_at"]


@admin.register(TermPeriod)
class TermPeriodAdmin(admin.ModelAdmin):
    """Term dates and holidays; a change here recomputes which dates of recurring events are left out."""

    list_display = ["country", "local_authority", "kind", "shown_name", "starts_on", "ends_on"]
    list_filter = ["country", "kind"]
    raw_id_fields = ["local_authority"]
    date_hierarchy = "starts_on"

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, obj: TermPeriod) -> str:
        return obj.display_name  # a shipped name in the reader's language

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        holiday_skips_refresh()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        holiday_skips_refresh()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        holiday_skips_refresh()
