"""Writes to a user's reading list and reading history. Every function acts on the given user's
own rows only, so an id belonging to someone else is simply not found."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from redink.accounts.models import User
from redink.catalogue.models import Essay

from .models import HISTORY_KEPT, NOTE_MAX_LENGTH, ReadingHistoryEntry, ReadingSettings, SavedEssay


def reading_list_save(*, user: User, essay: Essay) -> SavedEssay:
    """Puts a published essay on the user's list; saving it twice keeps the first save."""
    item, _ = SavedEssay.objects.get_or_create(user=user, essay=essay, defaults={"title": essay.title})
    return item


def reading_list_remove(*, user: User, item_id: int) -> bool:
    deleted, _ = SavedEssay.objects.filter(user=user, pk=item_id).delete()
    return bool(deleted)


def reading_list_note_set(*, user: User, item_id: int, note: str) -> SavedEssay:
    """Raises SavedEssay.DoesNotExist when the item is not this user's."""
    item = SavedEssay.objects.get(user=user, pk=item_id)
    item.note = note.strip()[:NOTE_MAX_LENGTH]
    item.save(update_fields=["note"])
    return item


def reading_history_record(*, user: User, essay_id: int, now: datetime | None = None) -> bool:
    """Notes that the user read the essay now, unless they switched history off. Rows past the
    retention period are deleted on every write, so nothing older than it is kept."""
    now = now or timezone.now()
    if not ReadingSettings.objects.filter(user=user, history_enabled=False).exists():
        ReadingHistoryEntry.objects.update_or_create(user=user, essay_id=essay_id, defaults={"read_at": now})
        recorded = True
    else:
        recorded = False
    ReadingHistoryEntry.objects.filter(read_at__lt=now - HISTORY_KEPT).delete()
    return recorded


def reading_history_clear(*, user: User) -> int:
    deleted, _ = ReadingHistoryEntry.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def reading_history_set_enabled(*, user: User, enabled: bool) -> None:
    """Switching history off also deletes what was recorded."""
    ReadingSettings.objects.update_or_create(user=user, defaults={"history_enabled": enabled})
    if not enabled:
        reading_history_clear(user=user)
