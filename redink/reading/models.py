"""A signed-in reader's own space: the essays they saved, and the ones they read lately."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# Reading history is kept this long, then pruned (and never shown once older).
HISTORY_KEPT = timedelta(days=90)
NOTE_MAX_LENGTH = 500


class SavedEssay(models.Model):
    """An essay on a user's reading list. The title is copied when it is saved, so an essay that
    is later deleted still has a name in the list ("no longer available")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_essays")
    essay = models.ForeignKey("catalogue.Essay", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=250)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-saved_at", "-pk")
        constraints = [models.UniqueConstraint(fields=("user", "essay"), name="reading_saved_once_per_user")]
        indexes = [models.Index(fields=("user", "-saved_at"), name="reading_saved_by_user")]

    def __str__(self) -> str:
        return f"{self.title} (saved {self.saved_at:%Y-%m-%d})"

    @property
    def is_available(self) -> bool:
        from redink.catalogue.models import Essay

        return self.essay is not None and self.essay.status == Essay.Status.PUBLISHED


class ReadingHistoryEntry(models.Model):
    """The last time a user read an essay: one row per (user, essay)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_history")
    essay = models.ForeignKey("catalogue.Essay", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-read_at", "-pk")
        verbose_name_plural = "reading history entries"
        constraints = [models.UniqueConstraint(fields=("user", "essay"), name="reading_history_once_per_essay")]
        indexes = [models.Index(fields=("user", "-read_at"), name="reading_history_by_user")]

    def __str__(self) -> str:
        return f"essay {self.essay_id} read {self.read_at:%Y-%m-%d %H:%M}"


class ReadingSettings(models.Model):
    """A user's choices about their reading history. No row means the defaults."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_settings")
    history_enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "reading settings"

    def __str__(self) -> str:
        return f"reading history {'on' if self.history_enabled else 'off'}"
