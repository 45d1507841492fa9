"""How long a subscription gives access: a pure function of what Stripe says about it now.

Because the answer depends only on the subscription's current state (re-read from Stripe) and
on refunds already recorded, and never on which event arrived last, events may come twice,
late or in any order and the entitlement still ends up the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

UNPAID_INVOICE_STATUSES = frozenset({"open", "uncollectible"})
NEVER_PAID_STATUSES = frozenset({"incomplete", "incomplete_expired"})


@dataclass(frozen=True)
class SubscriptionFacts:
    status: str
    started_at: datetime | None
    period_start: datetime | None
    period_end: datetime | None
    ended_at: datetime | None
    latest_invoice_status: str
    # When the payment for the current period was refunded in full, if it was.
    refunded_at: datetime | None = None


@dataclass(frozen=True)
class AccessWindow:
    starts_at: datetime
    ends_at: datetime

    @property
    def is_empty(self) -> bool:
        return self.ends_at <= self.starts_at


def access_window(facts: SubscriptionFacts, *, grace: timedelta) -> AccessWindow | None:
    """From when to when the subscription gives access; None when it never has.

    - active (also when cancelled at the period end): to the end of the paid period;
    - a failed renewal (past_due, unpaid): to the start of the unpaid period plus the grace;
    - cancelled: to when it ended, and no further than what was paid for;
    - a refund of the current period's payment ends access when it was refunded.
    """
    if facts.started_at is None or facts.period_start is None or facts.period_end is None:
        return None
    if facts.status in NEVER_PAID_STATUSES:
        return None
    grace_end = min(facts.period_end, facts.period_start + grace)
    if facts.status in ("active", "trialing"):
        end = facts.period_end
    elif facts.status in ("past_due", "unpaid"):
        end = grace_end
    elif facts.status == "paused":
        end = facts.period_start
    elif facts.status == "canceled":
        paid_through = grace_end if facts.latest_invoice_status in UNPAID_INVOICE_STATUSES else facts.period_end
        end = min(facts.ended_at or facts.period_end, paid_through)
    else:
        return None
    if facts.refunded_at is not None:
        end = min(end, facts.refunded_at)
    return AccessWindow(starts_at=facts.started_at, ends_at=max(end, facts.started_at))
