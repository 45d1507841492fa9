from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EntitlementQuerySet(models.QuerySet["Entitlement"]):
    def active(self, at=None) -> EntitlementQuerySet:
        now = at or timezone.now()
        return self.filter(starts_at__lte=now, ends_at__gt=now)


class Entitlement(models.Model):
    """A right to read every essay in full, from `starts_at` until `ends_at`.

    Billing, contributions and staff grants only ever create or end entitlements; the
    paywall reads nothing else.
    """

    class Source(models.TextChoices):
        SUBSCRIPTION = "subscription", "Subscription"
        CONTRIBUTION = "contribution", "Earned by contributing"
        GRANT = "grant", "Granted by staff"
        TRIAL = "trial", "Trial"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    source = models.CharField(max_length=20, choices=Source.choices)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    reference = models.CharField(
        max_length=200, blank=True, help_text="What created it: a subscription id, an essay, a note from staff."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ("-ends_at",)
        indexes = [models.Index(fields=["user", "ends_at"], name="entitlement_user_end")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="entitlement_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for {self.user}: {self.starts_at:%Y-%m-%d} to {self.ends_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.starts_at <= now < self.ends_at
