"""Stripe-shaped objects for the test-mode checkout, following Stripe's API reference for the
version pinned in `stripe_api.API_VERSION` (a subscription's period on its items, an invoice's
subscription under `parent.subscription_details`, payments on the invoice).

Only fields Stripe documents are used, so the webhook handler cannot tell these from Stripe's.
"""

from __future__ import annotations

import calendar
import secrets
from datetime import UTC, datetime
from typing import Any

from ..stripe_api import API_VERSION


def new_id(prefix: str) -> str:
    return f"{prefix}_loc{secrets.token_hex(10)}"


def add_interval(timestamp: int, interval: str) -> int:
    """One billing interval later, as Stripe counts it: the same day next month (or year), clamped."""
    start = datetime.fromtimestamp(timestamp, tz=UTC)
    months = 12 if interval == "year" else 1
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def listing(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def customer(*, email: str, user_id: int, created: int) -> dict[str, Any]:
    return {
        "id": new_id("cus"),
        "object": "customer",
        "created": created,
        "email": email,
        "livemode": False,
        "metadata": {"redink_user_id": str(user_id)},
    }


def price(*, plan_slug: str, amount: int, currency: str, interval: str, created: int) -> dict[str, Any]:
    return {
        "id": f"price_loc_{plan_slug}_{amount}_{currency}_{interval}",
        "object": "price",
        "active": True,
        "created": created,
        "currency": currency,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "product": f"prod_loc_{plan_slug}",
        "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
        "type": "recurring",
        "unit_amount": amount,
    }


def checkout_session(
    *,
    customer_id: str,
    client_reference_id: str,
    price_object: dict[str, Any],
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    created: int,
) -> dict[str, Any]:
    session_id = new_id("cs")
    amount = price_object["unit_amount"]
    line = {
        "id": new_id("li"),
        "object": "item",
        "amount_subtotal": amount,
        "amount_total": amount,
        "currency": price_object["currency"],
        "description": metadata.get("redink_plan", ""),
        "price": price_object,
        "quantity": 1,
    }
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "created": created,
        "currency": price_object["currency"],
        "customer": customer_id,
        "expires_at": created + 24 * 3600,
        "line_items": listing([line], f"/v1/checkout/sessions/{session_id}/line_items"),
        "livemode": False,
        "metadata": metadata,
        "mode": "subscription",
        "payment_status": "unpaid",
        "status": "open",
        "subscription": None,
        "success_url": success_url,
        "url": f"/join/test-checkout/{session_id}/",
    }


def subscription(
    *,
    customer_id: str,
    price_object: dict[str, Any],
    metadata: dict[str, str],
    start: int,
    period_end: int,
) -> dict[str, Any]:
    subscription_id = new_id("sub")
    item = {
        "id": new_id("si"),
        "object": "subscription_item",
        "created": start,
        "current_period_end": period_end,
        "current_period_start": start,
        "metadata": {},
        "price": price_object,
        "quantity": 1,
        "subscription": subscription_id,
    }
    return {
        "id": subscription_id,
        "object": "subscription",
        "billing_cycle_anchor": start,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": start,
        "currency": price_object["currency"],
        "customer": customer_id,
        "ended_at": None,
        "items": listing([item], f"/v1/subscription_items?subscription={subscription_id}"),
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata,
        "start_date": start,
        "status": "active",
    }


def invoice(
    *,
    subscription_object: dict[str, Any],
    billing_reason: str,
    created: int,
    paid: bool,
) -> dict[str, Any]:
    item = subscription_object["items"]["data"][0]
    amount = item["price"]["unit_amount"]
    invoice_id = new_id("in")
    payment_intent = new_id("pi")
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": subscription_object["currency"],
        "customer": subscription_object["customer"],
        "livemode": False,
        "metadata": {},
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": subscription_object["metadata"],
                "subscription": subscription_object["id"],
            },
        },
        "payments": listing(
            [
                {
                    "id": new_id("inpay"),
                    "object": "invoice_payment",
                    "amount_paid": amount if paid else None,
                    "amount_requested": amount,
                    "created": created,
                    "currency": subscription_object["currency"],
                    "invoice": invoice_id,
                    "is_default": True,
                    "livemode": False,
                    "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                    "status": "paid" if paid else "open",
                    "status_transitions": {"canceled_at": None, "paid_at": created if paid else None},
                }
            ],
            f"/v1/invoice_payments?invoice={invoice_id}",
        ),
        "period_end": item["current_period_start"],
        "period_start": item["current_period_start"],
        "status": "paid" if paid else "open",
        "status_transitions": {
            "finalized_at": created,
            "marked_uncollectible_at": None,
            "paid_at": created if paid else None,
            "voided_at": None,
        },
        "subtotal": amount,
        "total": amount,
    }


def charge_refunded(*, invoice_object: dict[str, Any], created: int) -> dict[str, Any]:
    payment = invoice_object["payments"]["data"][0]
    amount = invoice_object["amount_paid"]
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount,
        "captured": True,
        "created": created,
        "currency": invoice_object["currency"],
        "customer": invoice_object["customer"],
        "livemode": False,
        "metadata": {},
        "paid": True,
        "payment_intent": payment["payment"]["payment_intent"],
        "refunded": True,
        "status": "succeeded",
    }


# Fields Stripe sends only when asked to expand them, never inside an event.
INCLUDABLE = {"invoice": {"payments"}, "checkout.session": {"line_items"}}


def event(
    *, type: str, data_object: dict[str, Any], created: int, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An event as Stripe delivers it."""
    left_out = INCLUDABLE.get(data_object["object"], set())
    body = {key: value for key, value in data_object.items() if key not in left_out}
    data: dict[str, Any] = {"object": body}
    if previous:
        data["previous_attributes"] = previous
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }
