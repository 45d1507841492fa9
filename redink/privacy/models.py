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
