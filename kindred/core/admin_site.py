"""Kindred's admin site: Django's, named after the site, with search-as-you-type labels that identify people.

Installed in place of `django.contrib.admin` (INSTALLED_APPS names `KindredAdminConfig`), so
`admin.site` everywhere is this site. Foreign keys to large tables (people, schools) use
`autocomplete_fields`; the autocomplete answer shows a model's `admin_label` when it has one
(a person's name *and* e-mail address, since thousands of people share a name).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "admin_label", None)
        if label:
            result["text"] = str(label)
        return result


class KindredAdminSite(admin.AdminSite):
    @property
    def site_header(self):
        return settings.SITE_NAME

    @property
    def site_title(self):
        return settings.SITE_NAME

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class KindredAdminConfig(AdminConfig):
    default_site = "kindred.core.admin_site.KindredAdminSite"
