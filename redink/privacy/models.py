"""What Redink owes the people whose data it holds: the terms they accepted and when, the
e-mails they chose, and the copies of their data they asked for."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from redink.submissions.storage import submission_storage


class TermsAcceptance(models.Model):
    """A user accepted the terms of use (and read the privacy notice) of one version, on a date."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances")
    version = models.CharField(max_length=20, help_text="The version of the terms, as REDINK_TERMS_VERSION names it.")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-accepted_at",)

    def __str__(self) -> str:
        return f"{self.user} accepted terms {self.version} on {self.accepted_at:%Y-%m-%d}"


class EmailKind(models.TextChoices):
    """The e-mails a user may turn off. Account-security e-mails (address confirmation, password
    reset) are not among them: they always go."""

    SUBMISSIONS = "submissions", "Decisions on my uploads (published, or not published and why)"
    TAKEDOWNS = "takedowns", "Answers to takedown requests I sent"
    REVIEWS = "reviews", "Teachers' reviews of my essays"
    MEMBERSHIP = "membership", "My membership and payments"


class EmailPreference(models.Model):
    """Whether a user receives one kind of e-mail. No row: they do (the default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "kind"), name="privacy_one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} e-mails {'on' if self.enabled else 'off'}"


def _export_path(instance: Any, filename: str) -> str:
    # A neutral name: nothing on disk says whose archive it is, and the link's token is not in it.
    return f"data-exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.zip"


def _export_token() -> str:
    return secrets.token_urlsafe(32)


class DataExport(models.Model):
    """A user's request for a copy of their data, and the zip built for it in the background.

    The archive is kept in the private upload storage (never under MEDIA_ROOT) and sent only to
    its owner, signed in, by the link's unguessable token, until `expires_at` (checked when the
    link is used, so nothing has to run on a schedule)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    token = models.CharField(max_length=64, unique=True, default=_export_token, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    archive = models.FileField(storage=submission_storage, upload_to=_export_path, blank=True, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Set when the archive is ready.")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "-created_at"], name="privacy_export_by_user")]

    def __str__(self) -> str:
        return f"data export of {self.user} ({self.get_status_display()}, {self.created_at:%Y-%m-%d})"

    def is_expired(self, at: Any = None) -> bool:
        if self.status == self.Status.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (at or timezone.now())
