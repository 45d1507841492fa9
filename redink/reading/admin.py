# Reading history is left out of the admin on purpose: what a (often 14-year-old) reader read
# is theirs alone; staff have no need to browse it.

from django.contrib import admin

from .models import ReadingSettings, SavedEssay


@admin.register(SavedEssay)
class SavedEssayAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "saved_at")
    raw_id_fields = ("user", "essay")
    search_fields = ("title",)


@admin.register(ReadingSettings)
class ReadingSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "history_enabled")
    raw_id_fields = ("user",)
