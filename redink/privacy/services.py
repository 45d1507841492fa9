"""Writes for privacy: recording that a user accepted the terms."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .models import TermsAcceptance


def terms_accept(*, user: Any, version: str | None = None) -> TermsAcceptance:
    """Record that `user` accepted the terms of use now (the current version unless named)."""
    return TermsAcceptance.objects.create(user=user, version=version or settings.REDINK_TERMS_VERSION)
