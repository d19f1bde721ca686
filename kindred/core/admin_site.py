"""Kindred's admin site: Django's, named after the site, with search-as-you-type labels that identify people.

Installed in place of `django.contrib.admin` (INSTALLED_APPS names `KindredAdminConfig`), so
`admin.site` everywhere is this site. Foreign keys to large tables (people, schools) use
`autocomplete_fields`; the autocomplete answer shows a model's `admin_label` when it has one
(a person's name *and* e-mail address, since thousands of people share a name).
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import Q
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.urls import reverse

from kindred.core.search import matching, search_of


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

    def login(self, request, extra_context=None):
        # With the organisation's identity provider set up (OIDC_ISSUER, accounts/oidc.py), people
        # sign in to the admin on Kindred's own sign-in page: its button, and the break-glass
        # administrator's password form when LOCAL_PASSWORDS is off.
        if settings.OIDC_ISSUER and not request.user.is_authenticated:
            query = QueryDict(mutable=True)
            query[REDIRECT_FIELD_NAME] = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
                "admin:index", current_app=self.name
            )
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{query.urlencode(safe='/')}")
        return super().login(request, extra_context)

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class KindredAdminConfig(AdminConfig):
    default_site = "kindred.core.admin_site.KindredAdminSite"


class HistoryAdmin(admin.ModelAdmin):
    """An admin that shows a history and never edits it: no adding, changing or deleting.

    For the rows Kindred keeps as history (memberships, roles, requests, held rota turns, posts,
    reports, sent e-mail): they change only through their service functions, which check the
    rules (a network keeps a coordinator) and write the audit log. The list and each row stay
    visible to site administrators (and to anyone given the model's view permission).
    """

    show_full_result_count = False
    list_per_page = 50
    # Newest first, by primary key: no sort of every row for a page (the models' own orderings
    # are on columns without an index).
    ordering = ["-pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def related_search(kind: str, queryset, search_term: str, field: str, *, also: Q | None = None):
    """Narrow `queryset` to rows whose `field` points at a row the search of `kind` finds
    (kindred/core/search.py, each kind registered by its own app), or that match the Q `also`;
    the whole queryset for a blank term."""
    if not search_term.strip():
        return queryset
    model = apps.get_model(search_of(kind).model)
    condition = Q(**{f"{field}__in": matching(kind, model.objects.all(), search_term)})
    return queryset.filter(condition | also if also is not None else condition)


def people_search(queryset, search_term: str, field: str = "user"):
    """Narrow `queryset` to rows whose `field` (a person) the people search finds (accounts/search.py)."""
    return related_search("people", queryset, search_term, field)


def school_search(queryset, search_term: str, field: str = "school", *, also: Q | None = None):
    """Narrow `queryset` to rows whose `field` (a school) the schools' search finds (folded name and
    town, id, postcode, authority: schools/selectors.school_search_q), or that match the Q `also`."""
    return related_search("schools", queryset, search_term, field, also=also)
