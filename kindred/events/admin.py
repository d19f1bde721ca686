from django.contrib import admin
from django.db import models

from kindred.events.models import Event, OccurrenceChange, Registration


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "starts_at", "network", "school", "region", "host_school", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    raw_id_fields = ["network", "school", "region", "host_school", "created_by"]
    readonly_fields = ["series_ends_at", "ical"]


@admin.register(OccurrenceChange)
class OccurrenceChangeAdmin(admin.ModelAdmin):
    list_display = ["event", "original_start", "cancelled", "starts_at"]
    raw_id_fields = ["event"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "occurrence_start", "user", "school", "places", "status", "attended"]
    list_filter = ["status"]
    raw_id_fields = ["event", "user", "school"]
