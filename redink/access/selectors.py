from __future__ import annotations

from typing import Any

from .models import Entitlement

_CACHE_ATTR = "_redink_has_membership"


def user_has_membership(user: Any) -> bool:
    """Whether `user` holds an active entitlement now; asked once per user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = Entitlement.objects.active().filter(user=user).exists()
        setattr(user, _CACHE_ATTR, cached)
    return bool(cached)


def membership_ends_at(user: Any):  # type: ignore[no-untyped-def]
    """The latest end of the user's active entitlements, or None."""
    latest = Entitlement.objects.active().filter(user=user).order_by("-ends_at").first()
    return latest.ends_at if latest else None
