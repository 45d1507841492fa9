from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .models import Entitlement


def entitlement_grant(
    *, user: Any, days: int, source: str = Entitlement.Source.GRANT, reference: str = ""
) -> Entitlement:
    """Give `user` full access for `days` days from now (or from the end of what they hold)."""
    if days <= 0:
        raise ValueError("days must be positive")
    now = timezone.now()
    return Entitlement.objects.create(
        user=user, source=source, starts_at=now, ends_at=now + timedelta(days=days), reference=reference
    )


def entitlement_end(*, entitlement: Entitlement, at: datetime | None = None) -> Entitlement:
    """End an entitlement now (or at `at`), never extending it."""
    end = at or timezone.now()
    if end < entitlement.ends_at:
        entitlement.ends_at = max(end, entitlement.starts_at + timedelta(microseconds=1))
        entitlement.save(update_fields=["ends_at"])
    return entitlement
