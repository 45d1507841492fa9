from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import PreviousDisplayName, User


class PreviousDisplayNameInline(admin.TabularInline):
    """Old names that redirect to the author's page, and that nobody else may take meanwhile.
    Deleting one releases the name (and its old links stop working)."""

    model = PreviousDisplayName
    extra = 0
    fields = ("name", "replaced_at")
    readonly_fields = ("name", "replaced_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "profile_public", "is_verified_teacher", "is_staff", "date_joined")
    list_filter = ("is_verified_teacher", "profile_public", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    inlines = (PreviousDisplayNameInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "avatar", "profile_public", "birth_year")}),
        ("Roles", {"fields": ("is_verified_teacher", "is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        # A moderator allowed to edit users must not hand anyone (themselves first) staff or
        # superuser powers: only a superuser changes the roles that open the admin.
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ("is_staff", "is_superuser", "groups", "user_permissions")
        return readonly
