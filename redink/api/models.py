"""Personal access tokens: how a member's own apps call the JSON API as them.

A token is shown to its owner once, when it is made; Redink keeps only its SHA-256 hash (the
token is 256 random bits, so a plain hash is enough: nothing can be guessed from it) and its
last four characters, so the account page can tell tokens apart. Services are in tokens.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from redink.accounts.models import User


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Not revoked and not expired: the tokens that still authenticate."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read"
        READ_WRITE = "read_write", "Read and write (your reading list)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the owner calls it, e.g. the app that uses it.")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    # hex SHA-256 of the whole token (prefix included); the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=4, editable=False, help_text="The token's last four characters.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("user", "-created_at"), name="api_token_by_user")]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        """The token's state as the account page says it: active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class TokenViewer(User):
    """The user a token acts as: the same account with its staff powers off.

    Never saved: it is made in memory for one request (auth.api_viewer), and `save` and
    `delete` refuse, so a flag switched off here can never reach the database."""

    class Meta:
        proxy = True
        default_permissions = ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("A token's view of its user is never saved; save the user itself.")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("A token's view of its user is never deleted.")

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False
