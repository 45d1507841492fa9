"""Personal access tokens in the admin: read-only, and never the hash.

Staff can see which tokens an account has and whether they are in use (to help someone, or to
spot abuse), but not make, change or reveal them: only the owner does that, on their account
page. The hash is left out too, though it cannot be turned back into a token: it has no use here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "scope", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    list_select_related = ("user",)
    search_fields = ("name", "user__email")
    fields = ("name", "user", "scope", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
