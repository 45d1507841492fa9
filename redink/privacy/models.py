"""What Redink owes the people whose data it holds: the terms they accepted and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


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
