"""The Django admin's view of uploads: for looking things up. Decisions are made on the moderation pages,
which log them; here every row is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ImportRecord, ModerationEvent, Submission, TakedownRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("title", "contributor", "source", "status", "is_flagged", "max_jaccard", "created_at")
    list_filter = ("status", "source", "is_flagged")
    search_fields = ("title", "contributor__email", "contributor__display_name", "original_filename")
    list_select_related = ("contributor",)
    exclude = ("extracted_text", "pasted_text", "file")


@admin.register(TakedownRequest)
class TakedownRequestAdmin(ReadOnlyAdmin):
    list_display = ("essay", "name", "email", "status", "created_at", "handled_by")
    list_filter = ("status",)
    list_select_related = ("essay", "handled_by")


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "submission", "essay", "takedown")
    list_filter = ("action",)
    list_select_related = ("actor", "submission", "essay", "takedown")


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdmin):
    list_display = ("path", "outcome", "essay", "created_at")
    list_filter = ("outcome",)
