"""The admin for networks: a network's own fields may be changed (through `network_update`, so the
change is audited); memberships, people's roles, requests, the rota and connections are history,
shown and never edited here (`HistoryAdmin`): they change through the network's pages, whose
services keep the rules (a network always has a coordinator; held turns never move).

Every foreign key to people or schools is search-as-you-type or read-only text, never a dropdown;
lists come a page of 50 at a time with the related rows in the same query (national scale: 3,500
networks, 38,000 memberships, 870,000 people).
"""

from django.contrib import admin
from django.db.models import Q

from kindred.core.admin_site import HistoryAdmin, people_search, school_search
from kindred.networks.models import (
    Connection,
    Membership,
    MembershipRequest,
    Network,
    NetworkLink,
    NetworkRole,
    Profile,
    RotaBlockedDate,
    RotaTurn,
)
from kindred.networks.services import NETWORK_FIELDS, network_update


class SchoolOrNetworkSearch:
    """The admin's search box on a row of a school in a network: a school (the schools' search) or
    a network by part of its name."""

    def get_search_results(self, request, queryset, search_term):
        return school_search(
            queryset, search_term, also=Q(network__name__icontains=search_term.strip())
        ), False

    def get_search_fields(self, request):
        return ["school"]  # shows the search box; the search itself is get_search_results'


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "status", "visibility", "created_at"]
    list_filter = ["kind", "status", "visibility"]
    list_select_related = ["region"]
    search_fields = ["name", "subject"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ["kind", "region", "created_at"]
    fields = ["name", "kind", "region", "purpose", "description", "phase", "subject", "visibility", "status"]
    fields += ["capacity", "created_at"]

    def has_add_permission(self, request):
        # A network is created with its first coordinator (networks.services.network_create).
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a network would delete its history; close it instead (status "closed").
        return False

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in form.changed_data if name in NETWORK_FIELDS | {"name"}
        }
        fresh = Network.objects.get(pk=obj.pk)
        network_update(network=fresh, by=request.user, **values)


@admin.register(Membership)
class MembershipAdmin(SchoolOrNetworkSearch, HistoryAdmin):
    list_display = ["school", "network", "role", "joined_at", "left_at", "leave_reason"]
    list_select_related = ["school", "network"]
    list_filter = ["role", ("left_at", admin.EmptyFieldListFilter)]


@admin.register(NetworkRole)
class NetworkRoleAdmin(HistoryAdmin):
    list_display = ["user", "network", "role", "school", "started_at", "ended_at"]
    list_select_related = ["user", "network", "school"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter)]

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]  # shows the search box; the search itself is get_search_results'


@admin.register(MembershipRequest)
class MembershipRequestAdmin(SchoolOrNetworkSearch, HistoryAdmin):
    list_display = ["network", "school", "person", "kind", "status", "created_at", "decided_at"]
    list_select_related = ["network", "school", "person"]
    list_filter = ["kind", "status"]


@admin.register(NetworkLink)
class NetworkLinkAdmin(HistoryAdmin):
    """Networks in communities of communities (issue 23, item 5): invited, accepted and ended on
    the networks' pages (networks/links.py keeps the rules: consent, no cycles, how deep)."""

    list_display = ["member", "parent", "status", "invited_at", "decided_at", "ended_at", "end_reason"]
    list_select_related = ["member", "parent"]
    list_filter = ["status"]


@admin.register(RotaTurn)
class RotaTurnAdmin(SchoolOrNetworkSearch, HistoryAdmin):
    list_display = ["date", "duty", "school", "network", "school_year"]
    list_select_related = ["school", "network"]
    list_filter = ["duty", "school_year"]


@admin.register(RotaBlockedDate)
class RotaBlockedDateAdmin(SchoolOrNetworkSearch, HistoryAdmin):
    list_display = ["date", "school", "network", "reason"]
    list_select_related = ["school", "network"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """A person's profile may be corrected (an offensive offer, say); it is made by its person."""

    list_display = ["user", "job_title", "subjects", "visibility", "updated_at"]
    list_select_related = ["user"]
    list_filter = ["visibility"]
    readonly_fields = ["user", "updated_at"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term), False

    def get_search_fields(self, request):
        return ["user"]


@admin.register(Connection)
class ConnectionAdmin(HistoryAdmin):
    list_display = ["from_user", "to_user", "status", "created_at", "decided_at"]
    list_select_related = ["from_user", "to_user"]
    list_filter = ["status"]

    def get_search_results(self, request, queryset, search_term):
        return people_search(queryset, search_term, "from_user") | people_search(
            queryset, search_term, "to_user"
        ), False

    def get_search_fields(self, request):
        return ["from_user"]
