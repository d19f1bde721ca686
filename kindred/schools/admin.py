from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.schools import admin_builder
from kindred.schools.access import may_import
from kindred.schools.forms import ImportForm
from kindred.schools.forms import sheet_value as _sheet
from kindred.schools.importing import ImportKind
from kindred.schools.models import (
    LocalAuthority,
    MeasureDefinition,
    Region,
    SavedMapping,
    School,
    SchoolLink,
    SchoolMeasure,
)
from kindred.schools.selectors import school_search_q
from kindred.schools.tasks import import_upload_start


class CountryFieldAdmin(admin.ModelAdmin):
    """A school's or region's country: with one country installed there is nothing to choose (the field
    is left out, the default applies); with several, one of the installation's, named in the reader's
    language."""

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or [])] + (
            [] if countries.several() else ["country_code"]
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "country_code":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                choices=[(p.code, p.country_name()) for p in countries.installed()],
                initial=countries.default_code(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(School)
class SchoolAdmin(CountryFieldAdmin):
    list_display = ["registry_id", "name", "phase", "status", "local_authority", "pupils"]
    list_filter = ["phase", "status", "urban_rural", "region"]
    search_fields = ["registry_id", "name", "town", "postcode"]
    autocomplete_fields = ["local_authority", "region"]
    # At national scale (38,000 schools): the authority comes in the same query as the school,
    # pages of 50, and no second count of every school beside the filtered count.
    list_select_related = ["local_authority"]
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/schools/school/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        """The home page's search (id, folded name and town, postcode, authority): one column per school."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(school_search_q(search_term)), False

    def get_urls(self):
        def wrap(function):
            return self.admin_site.admin_view(lambda request, **kwargs: function(self, request, **kwargs))

        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="schools_school_import"),
            path("import/build/", wrap(admin_builder.builder_upload), name="schools_school_builder"),
            path(
                "import/build/<str:token>/", wrap(admin_builder.builder_columns), name="schools_school_build"
            ),
            path(
                "import/mappings/<slug:name>.yaml",
                wrap(admin_builder.mapping_download),
                name="schools_school_mapping_download",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a file to import in the background; then follow the job's progress."""
        if not may_import(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            job = import_upload_start(
                upload=form.cleaned_data["file"],
                kind=ImportKind(form.cleaned_data["kind"]),
                mapping=form.cleaned_data["mapping"],
                year=form.cleaned_data["year"],
                sheet=_sheet(form.cleaned_data["sheet"]),
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
                decimal_comma=form.cleaned_data["decimal_comma"],
                country=form.cleaned_data["country"],
                by=request.user,
            )
            return redirect(job)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a file"),
            "opts": self.model._meta,
            "form": form,
            "upload_limit": settings.IMPORT_UPLOAD_MAX_MB,
        }
        status = 400 if form.is_bound and form.errors else 200
        return TemplateResponse(request, "admin/schools/school/import.html", context, status=status)


@admin.register(MeasureDefinition)
class MeasureDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "domain", "unit", "higher_is_better"]
    list_filter = ["kind", "domain"]


@admin.register(SchoolMeasure)
class SchoolMeasureAdmin(admin.ModelAdmin):
    list_display = ["school", "measure", "year", "value", "cohort", "suppressed"]
    list_filter = ["measure", "year", "suppressed"]
    autocomplete_fields = ["school"]
    list_select_related = ["school", "measure"]


@admin.register(Region)
class RegionAdmin(CountryFieldAdmin):
    list_display = ["code", "name", "country_code"]
    search_fields = ["code", "name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region"]


@admin.register(SchoolLink)
class SchoolLinkAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "on"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "created_by", "updated_at"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
