"""Keeping subscriptions and their entitlements in step with Stripe.

Everything here starts from Stripe's *current* state, read again through the gateway, never
from the copy an event carries: that copy may be stale, duplicated or out of order. The
subscription row is locked while it is re-read and written, so two deliveries for the same
subscription cannot interleave.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from redink.access.models import Entitlement
from redink.access.services import entitlement_end

from .access_rules import AccessWindow, SubscriptionFacts, access_window
from .gateway import current_mode, gateway
from .models import BillingCustomer, Plan, RefundedPayment, Subscription

logger = logging.getLogger(__name__)


def object_id(value: Any) -> str:
    """An expandable field: an id, or the expanded object carrying it."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int) else None


def invoice_subscription_id(invoice: dict[str, Any]) -> str:
    """The subscription an invoice bills (under `parent` since API 2025-03-31; top level before)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return object_id(details.get("subscription") or invoice.get("subscription"))


def _user_by_id(value: Any) -> Any:
    user_id = str(value or "")
    return get_user_model().objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None


def _customer_link(*, user: Any, customer_id: str, mode: str) -> None:
    """Remember that `customer_id` pays for `user`, unless either is already tied to another."""
    if not customer_id or BillingCustomer.objects.filter(stripe_id=customer_id).exists():
        return
    if BillingCustomer.objects.filter(user=user, mode=mode).exists():
        logger.warning("Customer %s: account %s already has a customer in %s mode", customer_id, user.pk, mode)
        return
    try:
        with transaction.atomic():
            BillingCustomer.objects.create(user=user, mode=mode, stripe_id=customer_id)
    except IntegrityError:  # a concurrent delivery linked it first
        pass


def _user_for(*, customer_id: str, metadata: dict[str, Any], mode: str) -> Any:
    """The Redink account a Stripe customer pays for: known customer first, then our metadata."""
    link = BillingCustomer.objects.select_related("user").filter(stripe_id=customer_id).first()
    if link is not None:
        return link.user
    user = _user_by_id(metadata.get("redink_user_id"))
    if user is not None:
        _customer_link(user=user, customer_id=customer_id, mode=mode)
    return user


def _plan_for(item: dict[str, Any], metadata: dict[str, Any]) -> Plan | None:
    """By Stripe price id, then by the plan Checkout was started for, then by what it costs."""
    price: dict[str, Any] = item["price"] if isinstance(item.get("price"), dict) else {}
    price_id = object_id(item.get("price"))
    plan = Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None
    plan = plan or Plan.objects.filter(slug=str(metadata.get("redink_plan") or "")).first()
    return plan or (
        Plan.objects.filter(
            amount=price.get("unit_amount") or 0,
            currency=str(price.get("currency") or ""),
            interval=str((price.get("recurring") or {}).get("interval") or ""),
        )
        .order_by("-is_active", "position")
        .first()
    )


def _latest_invoice(data: dict[str, Any]) -> tuple[str, str, list[str]]:
    invoice = data.get("latest_invoice")
    if not isinstance(invoice, dict):
        return object_id(invoice), "", []
    payments = (invoice.get("payments") or {}).get("data") or []
    intents = [
        object_id((payment.get("payment") or {}).get("payment_intent"))
        for payment in payments
        if (payment.get("payment") or {}).get("type") == "payment_intent"
    ]
    return object_id(invoice), str(invoice.get("status") or ""), [i for i in intents if i]


def _copy_state(row: Subscription, data: dict[str, Any]) -> None:
    items = (data.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    price: dict[str, Any] = item["price"] if isinstance(item.get("price"), dict) else {}
    starts = [t for t in (timestamp(i.get("current_period_start")) for i in items) if t]
    ends = [t for t in (timestamp(i.get("current_period_end")) for i in items) if t]
    row.customer_id = object_id(data.get("customer"))
    row.status = str(data.get("status") or "")
    row.plan = _plan_for(item, data.get("metadata") or {})
    row.amount = price.get("unit_amount") if isinstance(price.get("unit_amount"), int) else None
    row.currency = str(price.get("currency") or data.get("currency") or "")
    row.interval = str((price.get("recurring") or {}).get("interval") or "")
    row.started_at = timestamp(data.get("start_date"))
    row.current_period_start = min(starts) if starts else None
    row.current_period_end = max(ends) if ends else None
    row.cancel_at_period_end = bool(data.get("cancel_at_period_end"))
    row.cancel_at = timestamp(data.get("cancel_at"))
    row.canceled_at = timestamp(data.get("canceled_at"))
    row.ended_at = timestamp(data.get("ended_at"))
    row.latest_invoice_id, row.latest_invoice_status, row.latest_payment_intents = _latest_invoice(data)
    row.synced_at = timezone.now()


def _facts(row: Subscription) -> SubscriptionFacts:
    refunded_at = None
    if row.latest_payment_intents:
        refunded_at = RefundedPayment.objects.filter(payment_intent__in=row.latest_payment_intents).aggregate(
            first=Min("refunded_at")
        )["first"]
    return SubscriptionFacts(
        status=row.status,
        started_at=row.started_at,
        period_start=row.current_period_start,
        period_end=row.current_period_end,
        ended_at=row.ended_at,
        latest_invoice_status=row.latest_invoice_status,
        refunded_at=refunded_at,
    )


def subscription_entitlement_sync(*, row: Subscription, window: AccessWindow | None) -> Entitlement | None:
    """Make the subscription's one entitlement cover exactly `window`: create, extend or end it."""
    entitlement = row.entitlement
    if entitlement is None:
        if window is None or window.is_empty or row.user is None:
            return None
        entitlement = Entitlement.objects.create(
            user=row.user,
            source=Entitlement.Source.SUBSCRIPTION,
            starts_at=window.starts_at,
            ends_at=window.ends_at,
            reference=row.stripe_id,
        )
        row.entitlement = entitlement
        row.save(update_fields=["entitlement"])
        return entitlement
    end = entitlement.starts_at if window is None else window.ends_at
    if end < entitlement.ends_at:
        entitlement_end(entitlement=entitlement, at=end)
    elif end > entitlement.ends_at:
        # A renewal, or a recovered payment: the paid-for period reaches further.
        entitlement.ends_at = end
        entitlement.save(update_fields=["ends_at"])
    return entitlement


def subscription_refresh(*, subscription_id: str) -> Subscription:
    """Re-read one subscription from Stripe and bring its row and entitlement in step. Safe to repeat."""
    with transaction.atomic():
        row, _ = Subscription.objects.select_for_update().get_or_create(
            stripe_id=subscription_id, defaults={"mode": current_mode()}
        )
        data = gateway().subscription_retrieve(subscription_id=subscription_id)
        _copy_state(row, data)
        if row.user_id is None:
            row.user = _user_for(customer_id=row.customer_id, metadata=data.get("metadata") or {}, mode=row.mode)
        row.save()
        grace = timedelta(days=settings.REDINK_PAYMENT_GRACE_DAYS)
        subscription_entitlement_sync(row=row, window=access_window(_facts(row), grace=grace))
        return row


def checkout_session_apply(*, session: dict[str, Any]) -> Subscription | None:
    """A completed Checkout: tie its customer to the account that started it, then re-read the subscription."""
    if session.get("mode") != "subscription":
        return None
    user = _user_by_id(session.get("client_reference_id"))
    if user is not None:
        _customer_link(user=user, customer_id=object_id(session.get("customer")), mode=current_mode())
    subscription_id = object_id(session.get("subscription"))
    if session.get("status") != "complete" or not subscription_id:
        return None
    return subscription_refresh(subscription_id=subscription_id)


def refund_record(*, charge: dict[str, Any], refunded_at: datetime) -> list[Subscription]:
    """A charge refunded in full: the period it paid for gives no more access. Partial refunds change nothing."""
    payment_intent = object_id(charge.get("payment_intent"))
    if not charge.get("refunded") or not payment_intent:
        return []
    customer_id = object_id(charge.get("customer"))
    RefundedPayment.objects.get_or_create(
        payment_intent=payment_intent,
        defaults={"charge_id": object_id(charge.get("id")), "customer_id": customer_id, "refunded_at": refunded_at},
    )
    ids = Subscription.objects.filter(customer_id=customer_id).values_list("stripe_id", flat=True)
    return [subscription_refresh(subscription_id=stripe_id) for stripe_id in sorted(ids)] if customer_id else []
