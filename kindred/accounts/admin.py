from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from kindred.accounts.models import Invitation, JoinRequest, RegionalRole, SchoolStaff, User


class SchoolStaffInline(admin.TabularInline):
    model = SchoolStaff
    raw_id_fields = ["school"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    inlines = [SchoolStaffInline]
    # Plain multiple selects: the admin's JavaScript two-box widget fails axe (aria on a <span>).
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "language", "email_verified_at", "deleted_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


admin.site.register(RegionalRole)

admin.site.unregister(Group)


@admin.register(Group)
class PlainGroupAdmin(GroupAdmin):
    filter_horizontal = ()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from the school's staff page; here they can be looked at, not forged."""

    list_display = ["email", "school", "role", "created_at", "expires_at", "accepted_at"]
    raw_id_fields = ["school", "invited_by", "accepted_by"]
    readonly_fields = ["token_hash"]

    def has_add_permission(self, request):
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "school", "decided_by"]
