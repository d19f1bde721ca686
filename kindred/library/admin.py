from django.contrib import admin
from django.db import models

from kindred.library.models import PolicyAdoption, Resource, ResourceVersion


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "network", "licence", "download_count", "created_at"]
    list_filter = ["kind", "licence"]
    search_fields = ["title", "tags"]
    raw_id_fields = ["network", "agreed_version", "created_by"]


@admin.register(ResourceVersion)
class ResourceVersionAdmin(admin.ModelAdmin):
    list_display = ["resource", "number", "filename", "size", "content_type", "created_at"]
    raw_id_fields = ["resource", "uploaded_by"]


@admin.register(PolicyAdoption)
class PolicyAdoptionAdmin(admin.ModelAdmin):
    list_display = ["resource", "version", "school", "adopted_by", "adopted_at"]
    raw_id_fields = ["resource", "version", "school", "adopted_by"]
