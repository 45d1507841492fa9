from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists

from .models import Entitlement

_CACHE_ATTR = "_redink_has_membership"


def user_has_membership(*, user: Any) -> bool:
    """Whether `user` holds an active entitlement now; asked once per user object."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = Entitlement.objects.active().filter(user=user).exists()
        setattr(user, _CACHE_ATTR, cached)
    return bool(cached)


def membership_exists(*, user_id: Any, at: datetime) -> Exists:
    """`user_has_membership`'s question as an expression, for a page that asks it inside its own
    query (one round trip fewer); hand the answer back through `remember_membership`."""
    return Exists(Entitlement.objects.active(at).filter(user_id=user_id))


def remember_membership(*, user: Any, has_membership: bool) -> None:
    """Record what `membership_exists` answered for `user` in this request, so that
    `user_has_membership` does not ask again."""
    setattr(user, _CACHE_ATTR, bool(has_membership))


def membership_ends_at(*, user: Any) -> datetime | None:
    """The latest end of the user's active entitlements, or None."""
    latest = Entitlement.objects.active().filter(user=user).order_by("-ends_at").first()
    return latest.ends_at if latest else None
