"""The admin for people and roles.

Every foreign key to a large table (people, schools) is search-as-you-type (`autocomplete_fields`),
never a dropdown of every row: a national installation has hundreds of thousands of people.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.models import (
    Invitation,
    JoinRequest,
    Organisation,
    OrganisationPerson,
    RegionalRole,
    SchoolStaff,
    User,
)
from kindred.accounts.search import people_matching
from kindred.audit.services import audit


class SchoolStaffInline(admin.TabularInline):
    model = SchoolStaff
    autocomplete_fields = ["school"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    # Pages of 50 and no second count of every row: the list stays light with 870,000 people.
    list_per_page = 50
    show_full_result_count = False
    inlines = [SchoolStaffInline]
    # Plain multiple selects: the admin's JavaScript two-box widget fails axe (aria on a <span>).
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "language", "email_verified_at", "deleted_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_search_results(self, request, queryset, search_term):
        """Part of a name or address, answered from an index (accounts/search.py says what it finds).

        Used by the list's search and by every search-as-you-type picker of a person.
        """
        return people_matching(queryset, search_term), False


@admin.register(RegionalRole)
class RegionalRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "local_authority", "country_code"]
    list_select_related = ["user", "region", "local_authority"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "region", "local_authority"]


admin.site.unregister(Group)


@admin.register(Group)
class PlainGroupAdmin(GroupAdmin):
    filter_horizontal = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the school's staff page; here they can be looked at, not forged."""

    list_display = ["email", "school", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["school"]
    search_fields = ["email", "school__name", "school__registry_id"]
    autocomplete_fields = ["school", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash"]

    def has_add_permission(self, request):
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "status", "created_at"]
    list_select_related = ["user", "school"]
    list_filter = ["status"]
    autocomplete_fields = ["user", "school", "decided_by"]


class TwoFactorDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's device admin, whose secret and QR-code pages answer 404 for a device that does not exist."""

    autocomplete_fields = ["user"]
    raw_id_fields = []

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TwoFactorDeviceAdmin)


class OrganisationPersonInline(admin.TabularInline):
    model = OrganisationPerson
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Partner organisations and their people (issue 23, item 4); every change is audited."""

    list_display = ["name", "kind", "country", "region"]
    list_select_related = ["region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
    inlines = [OrganisationPersonInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(request.user, "organisation.changed" if change else "organisation.created", obj, kind=obj.kind)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            audit(request.user, "organisation.person_removed", removed, user=removed.user_id)
            removed.delete()
        for person in instances:
            added = person.pk is None
            person.save()
            audit(
                request.user,
                "organisation.person_added" if added else "organisation.person_role_changed",
                person,
                user=person.user_id,
                role=person.role,
            )
        formset.save_m2m()


@admin.register(OrganisationPerson)
class OrganisationPersonAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
