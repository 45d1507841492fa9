"""What the account page tells a user about their access: read from where access is decided
(redink.access and redink.billing), never decided here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redink.access.models import Entitlement
from redink.access.visibility import reads_everything
from redink.billing.selectors import MembershipSummary, membership_summary


@dataclass(frozen=True)
class AccessPeriod:
    """Full access until `ends_at`, from one source other than a subscription."""

    ends_at: datetime
    source: str  # "granted by staff", "earned by contributing", "trial"


@dataclass(frozen=True)
class AccountAccess:
    membership: MembershipSummary
    periods: list[AccessPeriod]
    is_moderator: bool
    is_teacher: bool
    reads_everything: bool

    @property
    def offer_to_join(self) -> bool:
        """Only someone who reads previews only, with no subscription that still bills."""
        return not self.reads_everything and not self.membership.is_subscribed


def account_access(*, user: Any) -> AccountAccess:
    membership = membership_summary(user=user)
    latest: dict[str, Entitlement] = {}
    for entitlement in membership.other_entitlements:  # latest end first
        latest.setdefault(entitlement.source, entitlement)
    periods = [
        AccessPeriod(ends_at=entitlement.ends_at, source=entitlement.get_source_display().lower())
        for entitlement in latest.values()
    ]
    return AccountAccess(
        membership=membership,
        periods=periods,
        is_moderator=bool(user.is_staff),
        is_teacher=bool(user.is_verified_teacher),
        reads_everything=reads_everything(user),
    )
