"""The one module that talks to Stripe.

Nothing else in Redink imports `stripe`. The API version is pinned here, so the shapes the
rest of the code reads (a subscription's period on its items, an invoice's subscription under
`parent.subscription_details`) do not change under it when the library is upgraded or when
the account's default version moves. Create the webhook endpoint with the same version.

Every function returns plain dicts shaped as Stripe documents them, and the test-mode
checkout (`redink.billing.testmode.gateway`) offers the same functions, so callers cannot tell
them apart. Tests swap these functions for fakes; none of them reaches the network.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import stripe
from django.conf import settings

API_VERSION = "2026-10-28.endive"
# Stripe's own default: a signed event older than this is refused as a replay.
SIGNATURE_TOLERANCE_SECONDS = 300
# A subscription is always read with its latest invoice's payments, to see refunds.
SUBSCRIPTION_EXPAND = ["latest_invoice.payments"]

P = ParamSpec("P")
R = TypeVar("R")


class StripeUnavailable(Exception):
    """A call to Stripe failed (network, authentication, a refused request)."""


class WebhookRejected(Exception):
    """A webhook request whose signature, timestamp or body is not acceptable."""


def key_mode(secret_key: str) -> str:
    """ "live" for a live secret or restricted key, otherwise "test"."""
    return "live" if secret_key.startswith(("sk_live_", "rk_live_")) else "test"


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, stripe_version=API_VERSION, max_network_retries=2)


def _calls_stripe(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except stripe.StripeError as exc:
            raise StripeUnavailable(f"{type(exc).__name__}: {exc.user_message or exc}") from exc

    return wrapper


def webhook_signature(*, payload: bytes, secret: str, timestamp: int) -> str:
    """The `Stripe-Signature` header for `payload`, computed exactly as Stripe computes it."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_event_construct(*, payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    """Verify a webhook request with the stripe library and return the event as a dict."""
    if not secret:
        raise WebhookRejected("no webhook secret is configured")
    _refuse_future_timestamp(signature)
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected(f"signature: {exc.user_message or exc}") from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise WebhookRejected("the body is not a JSON event") from exc
    data = event.to_dict()
    body = data.get("data")
    if (
        data.get("object") != "event"
        or not isinstance(data.get("id"), str)
        or not isinstance(data.get("type"), str)
        or not isinstance(data.get("created"), int)
        or not isinstance(body, dict)
        or not isinstance(body.get("object"), dict)
    ):
        raise WebhookRejected("the body is not a Stripe event")
    return data


def _refuse_future_timestamp(signature: str) -> None:
    """The stripe library refuses a timestamp older than the tolerance, but takes one from any
    time ahead: a signed event dated in the future would stay replayable until then."""
    stamps = [part.split("=", 1)[1] for part in signature.split(",") if part.strip().startswith("t=")]
    for stamp in stamps:
        try:
            timestamp = int(stamp)
        except ValueError as exc:
            raise WebhookRejected("signature: the timestamp is not a number") from exc
        if timestamp > time.time() + SIGNATURE_TOLERANCE_SECONDS:
            raise WebhookRejected("signature: the timestamp is in the future")


@_calls_stripe
def customer_create(*, email: str, user_id: int, idempotency_key: str) -> dict[str, Any]:
    customer = _client().v1.customers.create(
        params={"email": email, "metadata": {"redink_user_id": str(user_id)}},
        options={"idempotency_key": idempotency_key},
    )
    return customer.to_dict()


@_calls_stripe
def checkout_session_create(
    *,
    customer_id: str,
    line_item: dict[str, Any],
    client_reference_id: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
) -> dict[str, Any]:
    params: Any = {
        "mode": "subscription",
        "customer": customer_id,
        "client_reference_id": client_reference_id,
        "line_items": [line_item],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
    }
    return _client().v1.checkout.sessions.create(params=params).to_dict()


@_calls_stripe
def checkout_session_retrieve(*, session_id: str) -> dict[str, Any]:
    return _client().v1.checkout.sessions.retrieve(session_id).to_dict()


@_calls_stripe
def portal_session_create(*, customer_id: str, return_url: str) -> dict[str, Any]:
    session = _client().v1.billing_portal.sessions.create(params={"customer": customer_id, "return_url": return_url})
    return session.to_dict()


@_calls_stripe
def subscription_retrieve(*, subscription_id: str) -> dict[str, Any]:
    subscription = _client().v1.subscriptions.retrieve(subscription_id, params={"expand": SUBSCRIPTION_EXPAND})
    return subscription.to_dict()


@_calls_stripe
def subscriptions_list_live() -> list[dict[str, Any]]:
    """Every subscription Stripe has not ended (its list leaves out canceled ones), as listed."""
    page = _client().v1.subscriptions.list(params={"limit": 100})
    return [subscription.to_dict() for subscription in page.auto_paging_iter()]


@_calls_stripe
def subscription_cancel(*, subscription_id: str) -> dict[str, Any]:
    """End a subscription now, without a refund (its person is deleting their account)."""
    subscription = _client().v1.subscriptions.cancel(subscription_id, params={"expand": SUBSCRIPTION_EXPAND})
    return subscription.to_dict()
