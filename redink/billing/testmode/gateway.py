"""The test-mode checkout's answers to the functions `stripe_api` offers (see `billing.gateway`)."""

from __future__ import annotations

import time
from typing import Any

from django.urls import reverse

from ..models import Plan
from . import objects, store


def customer_create(*, email: str, user_id: int, idempotency_key: str) -> dict[str, Any]:
    return store.object_put(objects.customer(email=email, user_id=user_id, created=int(time.time())))


def checkout_session_create(
    *,
    customer_id: str,
    line_item: dict[str, Any],
    client_reference_id: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
) -> dict[str, Any]:
    store.object_get(customer_id)  # Stripe refuses an unknown customer too
    now = int(time.time())
    # The test-mode checkout prices every plan from the plan itself, Stripe price id or not.
    plan = Plan.objects.get(slug=metadata["redink_plan"])
    price = objects.price(
        plan_slug=plan.slug, amount=plan.amount, currency=plan.currency, interval=plan.interval, created=now
    )
    session = objects.checkout_session(
        customer_id=customer_id,
        client_reference_id=client_reference_id,
        price_object=price,
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata,
        created=now,
    )
    session["url"] = reverse("billing:test-checkout", args=[session["id"]])
    return store.object_put(session)


def checkout_session_retrieve(*, session_id: str) -> dict[str, Any]:
    return store.object_get(session_id)


def portal_session_create(*, customer_id: str, return_url: str) -> dict[str, Any]:
    store.object_get(customer_id)
    portal = {
        "id": objects.new_id("bps"),
        "object": "billing_portal.session",
        "created": int(time.time()),
        "customer": customer_id,
        "livemode": False,
        "return_url": return_url,
    }
    portal["url"] = reverse("billing:test-portal", args=[portal["id"]])
    return store.object_put(portal)


def subscription_retrieve(*, subscription_id: str) -> dict[str, Any]:
    """The subscription with `latest_invoice.payments` expanded, as `stripe_api` asks Stripe for it."""
    subscription = store.object_get(subscription_id)
    if subscription["latest_invoice"]:
        subscription["latest_invoice"] = store.object_get(subscription["latest_invoice"])
    return subscription


def subscriptions_list_live() -> list[dict[str, Any]]:
    return [s for s in store.objects_of("subscription") if s["status"] != "canceled"]


def subscription_cancel(*, subscription_id: str) -> dict[str, Any]:
    """End the subscription now, as Stripe does; its `customer.subscription.deleted` event
    follows once the caller's transaction commits, as Stripe's arrives after the call."""
    from django.db import transaction

    from ..stripe_api import StripeUnavailable
    from .events import event_send

    try:
        stored = store.object_get(subscription_id, lock=True)
    except store.NoSuchObject as exc:
        raise StripeUnavailable(f"InvalidRequestError: {exc}") from exc
    if stored["status"] != "canceled":
        now = int(time.time())
        stored.update(status="canceled", ended_at=now, canceled_at=stored.get("canceled_at") or now)
        store.object_put(stored)
        transaction.on_commit(lambda: event_send(type="customer.subscription.deleted", data_object=stored))
    return subscription_retrieve(subscription_id=subscription_id)
