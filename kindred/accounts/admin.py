from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from kindred.accounts.models import RegionalRole, SchoolStaff, User


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
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


admin.site.register(RegionalRole)
