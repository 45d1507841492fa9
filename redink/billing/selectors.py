"""What the pricing and account pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from redink.access.models import Entitlement

from .gateway import billing_mode
from .models import BillingCustomer, Mode, Plan, Subscription
from .money import money_format, monthly_equivalent

INTERVAL_WORDS = {"month": "month", "year": "year"}


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    price: str  # "£6.99"
    per: str  # "month"
    monthly: str  # what it comes to per month: "£5.00"
    saving_percent: int  # against paying monthly for the same time; 0 for the monthly plan


def plan_offers() -> list[PlanOffer]:
    plans = list(Plan.objects.on_sale())
    monthly_prices = [p.amount for p in plans if p.interval == Plan.Interval.MONTH]
    base = min(monthly_prices) if monthly_prices else None
    offers = []
    for plan in plans:
        per_month = monthly_equivalent(amount=plan.amount, interval=plan.interval)
        saving = 0
        if base and plan.interval != Plan.Interval.MONTH and per_month < base:
            saving = int(100 * (base - per_month) / base)
        offers.append(
            PlanOffer(
                plan=plan,
                price=money_format(amount=plan.amount, currency=plan.currency),
                per=INTERVAL_WORDS.get(plan.interval, plan.interval),
                monthly=money_format(amount=per_month, currency=plan.currency),
                saving_percent=saving,
            )
        )
    return offers


def pricing_from_line(*, offers: list[PlanOffer]) -> str:
    """ "Unlimited access from just £6.99 per month": the cheapest plan one can pay for month by month
    (or, with no monthly plan, the cheapest plan as it is billed)."""
    if not offers:
        return ""
    monthly = [o for o in offers if o.plan.interval == Plan.Interval.MONTH]
    cheapest = min(monthly or offers, key=lambda o: (o.plan.amount, o.plan.position))
    return f"Unlimited access from just {cheapest.price} per {cheapest.per}"


@dataclass(frozen=True)
class MembershipSummary:
    subscription: Subscription | None
    plan_name: str
    price: str
    state: str  # "renewing" | "cancelling" | "payment_failed" | "ended" | "none"
    renews_on: datetime | None
    access_until: datetime | None
    is_test_mode: bool
    can_manage: bool
    other_entitlements: list[Entitlement]

    @property
    def is_subscribed(self) -> bool:
        """A subscription that still bills or may recover: joining again would charge twice."""
        return self.state in ("renewing", "cancelling", "payment_failed")


def _state(subscription: Subscription | None) -> str:
    if subscription is None:
        return "none"
    if subscription.status in ("past_due", "unpaid"):
        return "payment_failed"
    if subscription.status in ("active", "trialing"):
        return "cancelling" if subscription.cancel_at_period_end or subscription.cancel_at else "renewing"
    return "ended"


def membership_summary(*, user: Any) -> MembershipSummary:
    now = timezone.now()
    subscription = (
        Subscription.objects.filter(user=user)
        .filter(Q(status__in=("active", "trialing", "past_due", "unpaid")) | Q(entitlement__ends_at__gt=now))
        .select_related("plan", "entitlement")
        .order_by("-current_period_end")
        .first()
    ) or Subscription.objects.filter(user=user).select_related("plan", "entitlement").order_by("-synced_at").first()
    entitlement = subscription.entitlement if subscription else None
    access_until = entitlement.ends_at if entitlement and entitlement.ends_at > now else None
    state = _state(subscription)
    mode = billing_mode()
    can_manage = (
        subscription is not None
        and mode != "off"
        and (subscription.mode == Mode.LOCAL) == (mode == "test")
        and BillingCustomer.objects.filter(user=user, stripe_id=subscription.customer_id).exists()
    )
    price = ""
    if subscription is not None and subscription.amount is not None:
        price = money_format(amount=subscription.amount, currency=subscription.currency or "gbp")
        price += f" per {INTERVAL_WORDS.get(subscription.interval, subscription.interval)}"
    others = list(
        Entitlement.objects.active()
        .filter(user=user)
        .exclude(source=Entitlement.Source.SUBSCRIPTION)
        .order_by("-ends_at")
    )
    return MembershipSummary(
        subscription=subscription,
        plan_name=subscription.plan.name if subscription and subscription.plan else "Membership",
        price=price,
        state=state,
        renews_on=subscription.current_period_end if state == "renewing" and subscription else None,
        access_until=access_until,
        is_test_mode=bool(subscription and subscription.mode == Mode.LOCAL),
        can_manage=can_manage,
        other_entitlements=others,
    )
