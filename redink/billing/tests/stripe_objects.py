"""Hand-written Stripe API objects, following Stripe's API reference for the pinned version
(`stripe_api.API_VERSION`): Event, Checkout Session, Subscription (period on its items),
Invoice (subscription under `parent.subscription_details`, `payments` when expanded), Charge.

Written independently of the test-mode checkout's builders, so a mistake in one is caught by
the other (see test_testmode.py's shape comparison).
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from typing import Any

API_VERSION = "2026-10-28.endive"
DAY = 86_400


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """`Stripe-Signature` as Stripe computes it: HMAC-SHA256 of "<timestamp>.<payload>" under the secret."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event(event_id: str, kind: str, obj: dict[str, Any], *, created: int, previous: dict | None = None) -> dict:  # type: ignore[type-arg]
    data: dict[str, Any] = {"object": copy.deepcopy(obj)}
    data["object"].pop("payments", None)  # includable only: never inside an event
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_7n2LyH3kDpQeXr", "idempotency_key": "3f9c2a1e-5b7d-4c8e-9a0f-1b2c3d4e5f60"},
        "type": kind,
    }


def payload_of(evt: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(evt, separators=(",", ":")).encode()


def customer(customer_id: str = "cus_NffrFeUfNV2Hib", *, user_id: int | None = None) -> dict[str, Any]:
    return {
        "id": customer_id,
        "object": "customer",
        "created": 1_680_893_993,
        "email": "student@example.org",
        "livemode": False,
        "metadata": {"redink_user_id": str(user_id)} if user_id else {},
    }


def checkout_session(
    *,
    session_id: str = "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
    customer_id: str,
    subscription_id: str | None,
    user_id: int,
    plan: str = "monthly",
    status: str = "complete",
    created: int = 1_700_000_000,
) -> dict[str, Any]:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": 699,
        "amount_total": 699,
        "cancel_url": "https://essays.example.org/join/cancelled/",
        "client_reference_id": str(user_id),
        "created": created,
        "currency": "gbp",
        "customer": customer_id,
        "expires_at": created + DAY,
        "livemode": False,
        "metadata": {"redink_user_id": str(user_id), "redink_plan": plan},
        "mode": "subscription",
        "payment_status": "paid" if status == "complete" else "unpaid",
        "status": status,
        "subscription": subscription_id,
        "success_url": "https://essays.example.org/join/welcome/?session_id={CHECKOUT_SESSION_ID}",
        "url": None if status == "complete" else f"https://checkout.stripe.com/c/pay/{session_id}",
    }


def price(*, price_id: str = "price_1MoBy5LkdIwHu7ixZhnattbh", amount: int = 699, interval: str = "month") -> dict:  # type: ignore[type-arg]
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "currency": "gbp",
        "livemode": False,
        "lookup_key": None,
        "product": "prod_NZKdYqrwEYx6iK",
        "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
        "type": "recurring",
        "unit_amount": amount,
    }


def invoice(
    *,
    invoice_id: str,
    subscription_id: str,
    customer_id: str,
    status: str,
    payment_intent: str,
    created: int,
    billing_reason: str = "subscription_cycle",
    amount: int = 699,
    metadata: dict | None = None,  # type: ignore[type-arg]
) -> dict[str, Any]:
    paid = status == "paid"
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
        "currency": "gbp",
        "customer": customer_id,
        "livemode": False,
        "metadata": {},
        "parent": {
            "quote_details": None,
            "subscription_details": {"metadata": metadata or {}, "subscription": subscription_id},
            "type": "subscription_details",
        },
        "payments": {
            "object": "list",
            "data": [
                {
                    "id": f"inpay_{invoice_id[3:]}",
                    "object": "invoice_payment",
                    "amount_paid": amount if paid else None,
                    "amount_requested": amount,
                    "created": created,
                    "currency": "gbp",
                    "invoice": invoice_id,
                    "is_default": True,
                    "livemode": False,
                    "payment": {"payment_intent": payment_intent, "type": "payment_intent"},
                    "status": "paid" if paid else "open",
                    "status_transitions": {"canceled_at": None, "paid_at": created if paid else None},
                }
            ],
            "has_more": False,
            "url": f"/v1/invoice_payments?invoice={invoice_id}",
        },
        "period_end": created,
        "period_start": created,
        "status": status,
        "status_transitions": {
            "finalized_at": created,
            "marked_uncollectible_at": None,
            "paid_at": created if paid else None,
            "voided_at": None,
        },
        "subtotal": amount,
        "total": amount,
    }


def subscription(
    *,
    subscription_id: str = "sub_1MowQVLkdIwHu7ixeRlqHVzs",
    customer_id: str,
    status: str,
    start: int,
    period_start: int,
    period_end: int,
    latest_invoice: dict[str, Any] | str | None,
    user_id: int | None = None,
    plan: str = "monthly",
    cancel_at_period_end: bool = False,
    canceled_at: int | None = None,
    ended_at: int | None = None,
    price_object: dict | None = None,  # type: ignore[type-arg]
) -> dict[str, Any]:
    """A subscription as `GET /v1/subscriptions/:id?expand[]=latest_invoice.payments` returns it."""
    metadata = {"redink_plan": plan}
    if user_id:
        metadata["redink_user_id"] = str(user_id)
    return {
        "id": subscription_id,
        "object": "subscription",
        "billing_cycle_anchor": start,
        "cancel_at": period_end if cancel_at_period_end else None,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": canceled_at,
        "cancellation_details": {
            "comment": None,
            "feedback": None,
            "reason": "cancellation_requested" if canceled_at else None,
        },
        "collection_method": "charge_automatically",
        "created": start,
        "currency": "gbp",
        "customer": customer_id,
        "ended_at": ended_at,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_NcLYdDxLHxlFo7",
                    "object": "subscription_item",
                    "created": start,
                    "current_period_end": period_end,
                    "current_period_start": period_start,
                    "metadata": {},
                    "price": price_object or price(),
                    "quantity": 1,
                    "subscription": subscription_id,
                }
            ],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "latest_invoice": latest_invoice,
        "livemode": False,
        "metadata": metadata,
        "start_date": start,
        "status": status,
    }


def charge(*, charge_id: str, customer_id: str, payment_intent: str, amount_refunded: int, created: int) -> dict:  # type: ignore[type-arg]
    return {
        "id": charge_id,
        "object": "charge",
        "amount": 699,
        "amount_captured": 699,
        "amount_refunded": amount_refunded,
        "captured": True,
        "created": created,
        "currency": "gbp",
        "customer": customer_id,
        "livemode": False,
        "paid": True,
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= 699,
        "status": "succeeded",
    }
