"""Writes for privacy: recording that a user accepted the terms, and which e-mails they receive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from .models import EmailKind, EmailPreference, TermsAcceptance


def terms_accept(*, user: Any, version: str | None = None) -> TermsAcceptance:
    """Record that `user` accepted the terms of use now (the current version unless named)."""
    return TermsAcceptance.objects.create(user=user, version=version or settings.REDINK_TERMS_VERSION)


def email_preference_set(*, user: Any, kind: str, enabled: bool) -> EmailPreference:
    """Turn one kind of e-mail on or off for `user` (an unsubscribe link, or the account page)."""
    preference, _ = EmailPreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": enabled})
    return preference


def email_preferences_save(*, user: Any, enabled_kinds: Iterable[str]) -> None:
    """The account page's form: the kinds named are on, every other kind is off."""
    enabled = set(enabled_kinds)
    for kind in EmailKind.values:
        email_preference_set(user=user, kind=kind, enabled=kind in enabled)
