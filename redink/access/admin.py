from django.contrib import admin

from .models import Entitlement


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    list_display = ("user", "source", "starts_at", "ends_at", "is_active", "reference")
    list_filter = ("source",)
    search_fields = ("user__email", "user__display_name", "reference")
    autocomplete_fields = ("user",)
    date_hierarchy = "ends_at"

    @admin.display(boolean=True, description="active")
    def is_active(self, obj: Entitlement) -> bool:
        return obj.is_active
