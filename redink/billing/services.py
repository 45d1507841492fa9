"""Joining and managing a membership: Checkout, the Customer Portal, and confirming a payment.

None of these grants access: access follows from the subscription Stripe reports (see `sync`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from . import stripe_api
from .gateway import current_mode, gateway
from .models import BillingCustomer, Plan, Subscription
from .sync import checkout_session_apply

logger = logging.getLogger(__name__)

# Statuses in which a subscription still bills or may recover: a second one would charge twice.
OPEN_STATUSES = ("active", "trialing", "past_due", "unpaid")


class AlreadySubscribed(Exception):
    """The account already has a subscription that has not ended."""


class NoBillingAccount(Exception):
    """The account has never started a Checkout, so Stripe has no customer for it."""


def billing_customer_get_or_create(*, user: Any) -> BillingCustomer:
    """The user's Stripe customer in the current mode: reused, or created once (idempotently)."""
    mode = current_mode()
    existing = BillingCustomer.objects.filter(user=user, mode=mode).first()
    if existing is not None:
        return existing
    customer = gateway().customer_create(
        email=user.email, user_id=user.pk, idempotency_key=f"redink-customer-{mode}-{user.pk}"
    )
    try:
        with transaction.atomic():
            return BillingCustomer.objects.create(user=user, mode=mode, stripe_id=customer["id"])
    except IntegrityError:  # a second tab created it a moment ago (same idempotency key, same customer)
        return BillingCustomer.objects.get(user=user, mode=mode)


def checkout_line_item(*, plan: Plan) -> dict[str, Any]:
    if plan.stripe_price_id:
        return {"price": plan.stripe_price_id, "quantity": 1}
    return {
        "price_data": {
            "currency": plan.currency,
            "unit_amount": plan.amount,
            "recurring": {"interval": plan.interval},
            "product_data": {"name": f"{settings.SITE_NAME} membership ({plan.name.lower()})"},
        },
        "quantity": 1,
    }


def checkout_start(*, user: Any, plan: Plan, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout session in subscription mode for `user`; returns where to send them."""
    if Subscription.objects.filter(user=user, mode=current_mode(), status__in=OPEN_STATUSES).exists():
        raise AlreadySubscribed("You already have a membership.")
    customer = billing_customer_get_or_create(user=user)
    metadata = {"redink_user_id": str(user.pk), "redink_plan": plan.slug}
    session = gateway().checkout_session_create(
        customer_id=customer.stripe_id,
        line_item=checkout_line_item(plan=plan),
        client_reference_id=str(user.pk),
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata,
    )
    return str(session["url"])


def checkout_confirm(*, user: Any, session_id: str) -> None:
    """On the success page: if the Checkout is complete, bring access in step now rather than
    wait for the webhook. The same re-read the webhook does; harmless if it already ran."""
    try:
        session = gateway().checkout_session_retrieve(session_id=session_id)
    except (stripe_api.StripeUnavailable, LookupError):
        logger.warning("Checkout session %s could not be read; the webhook will bring access in step", session_id)
        return
    if str(session.get("client_reference_id")) != str(user.pk):
        return
    checkout_session_apply(session=session)


def portal_start(*, user: Any, return_url: str) -> str:
    """Open the Stripe Customer Portal for `user`; returns where to send them."""
    customer = BillingCustomer.objects.filter(user=user, mode=current_mode()).first()
    if customer is None:
        raise NoBillingAccount("There is no subscription to manage yet.")
    return str(gateway().portal_session_create(customer_id=customer.stripe_id, return_url=return_url)["url"])
