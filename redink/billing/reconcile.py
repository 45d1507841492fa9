"""Repairing drift: re-read every subscription that may still give access and bring it in step.

Webhooks keep access in step as it changes; this catches what they missed (an endpoint that
was down longer than Stripe retries, a change made by hand in Stripe's dashboard). Run it
periodically: `python manage.py reconcile_subscriptions` (see that command for scheduling).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from . import stripe_api
from .gateway import PaymentsUnavailable, billing_mode, current_mode, gateway
from .models import BillingCustomer, Subscription
from .sync import object_id, subscription_refresh

logger = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    checked: int = 0
    repaired: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    renewed_in_test_mode: int = 0


def _access_of(stripe_id: str) -> tuple[object, ...]:
    row = Subscription.objects.filter(stripe_id=stripe_id).select_related("entitlement").first()
    if row is None:
        return ()
    entitlement = row.entitlement
    return (
        row.status,
        row.user_id,
        entitlement.starts_at if entitlement else None,
        entitlement.ends_at if entitlement else None,
    )


def subscriptions_ours() -> set[str]:
    """Ours that Stripe may still change, or that still give access."""
    now = timezone.now()
    return set(
        Subscription.objects.filter(mode=current_mode())
        .filter(Q(user__isnull=False) | Q(customer_id__in=BillingCustomer.objects.values("stripe_id")))
        .filter(~Q(status__in=Subscription.FINAL_STATUSES) | Q(entitlement__ends_at__gt=now))
        .values_list("stripe_id", flat=True)
    )


def subscriptions_listed() -> set[str]:
    """Every live subscription Stripe has for our customers, including any we never heard of."""
    customers = set(BillingCustomer.objects.filter(mode=current_mode()).values_list("stripe_id", flat=True))
    return {
        str(s["id"])
        for s in gateway().subscriptions_list_live()
        if object_id(s.get("customer")) in customers or (s.get("metadata") or {}).get("redink_user_id")
    }


def subscriptions_reconcile() -> ReconcileReport:
    report = ReconcileReport()
    mode = billing_mode()
    if mode == "off":
        raise PaymentsUnavailable("payments are not set up on this site: nothing to reconcile")
    if mode == "test":
        from .testmode.actions import clock_advance

        report.renewed_in_test_mode = clock_advance()
    try:
        listed = subscriptions_listed()
    except stripe_api.StripeUnavailable as exc:
        logger.warning("Could not list subscriptions: %s", exc)
        report.failed["(the list of live subscriptions)"] = str(exc)
        listed = set()
    for stripe_id in sorted(subscriptions_ours() | listed):
        report.checked += 1
        before = _access_of(stripe_id)
        try:
            subscription_refresh(subscription_id=stripe_id)
        except (stripe_api.StripeUnavailable, LookupError) as exc:
            logger.warning("Could not reconcile %s: %s", stripe_id, exc)
            report.failed[stripe_id] = str(exc)
            continue
        if before and _access_of(stripe_id) != before:
            report.repaired.append(stripe_id)
    return report
