"""What happens on Stripe's side, simulated: paying at Checkout, the Customer Portal's buttons,
renewals, and a few things only staff or a bank do (a failed payment, a refund).

Each changes the stored Stripe objects and then sends the events Stripe would send, signed,
through the webhook handler. None of them touches an entitlement.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction

from ..gateway import is_test_mode
from . import objects, store
from .events import event_send


class TestModeOff(Exception):
    """The test-mode checkout is off: Stripe keys are set, or DEBUG is off without REDINK_ALLOW_TEST_CHECKOUT."""


class NotYours(Exception):
    """The session or subscription belongs to another account."""


def _require_enabled() -> None:
    if not is_test_mode():
        raise TestModeOff("The test-mode checkout is not enabled on this site.")


def _now() -> int:
    return int(time.time())


def _period(subscription: dict[str, Any]) -> tuple[int, int]:
    item = subscription["items"]["data"][0]
    return item["current_period_start"], item["current_period_end"]


def _set_period(subscription: dict[str, Any], start: int, end: int) -> None:
    for item in subscription["items"]["data"]:
        item["current_period_start"], item["current_period_end"] = start, end


def checkout_session_for(*, session_id: str, user_id: int) -> dict[str, Any]:
    _require_enabled()
    session = store.object_get(session_id)
    if session["client_reference_id"] != str(user_id):
        raise NotYours(session_id)
    return session


def checkout_pay(*, session_id: str, user_id: int) -> dict[str, Any]:
    """The person pays: a subscription and its first invoice, paid, then Stripe's three events."""
    with transaction.atomic():
        session = checkout_session_for(session_id=session_id, user_id=user_id)
        if session["status"] != "open":
            return session  # paid (or abandoned) already: paying twice does nothing
        now = _now()
        price = session["line_items"]["data"][0]["price"]
        subscription = objects.subscription(
            customer_id=session["customer"],
            price_object=price,
            metadata=session["metadata"],
            start=now,
            period_end=objects.add_interval(now, price["recurring"]["interval"]),
        )
        invoice = objects.invoice(
            subscription_object=subscription, billing_reason="subscription_create", created=now, paid=True
        )
        subscription["latest_invoice"] = invoice["id"]
        session.update(status="complete", payment_status="paid", subscription=subscription["id"])
        for obj in (subscription, invoice, session):
            store.object_put(obj)
    # Stripe sends these in no promised order; the handler copes with any.
    event_send(type="customer.subscription.created", data_object=subscription)
    event_send(type="invoice.paid", data_object=invoice)
    event_send(type="checkout.session.completed", data_object=session)
    return session


def checkout_abandon(*, session_id: str, user_id: int) -> dict[str, Any]:
    session = checkout_session_for(session_id=session_id, user_id=user_id)
    if session["status"] == "open":
        session["status"] = "expired"
        store.object_put(session)
    return session


def portal_subscriptions(*, portal_id: str, customer_id: str) -> list[dict[str, Any]]:
    _require_enabled()
    portal = store.object_get(portal_id)
    if portal["customer"] != customer_id:
        raise NotYours(portal_id)
    return [s for s in store.objects_of("subscription") if s["customer"] == customer_id]


def _subscription_of(*, subscription_id: str, customer_id: str) -> dict[str, Any]:
    _require_enabled()
    subscription = store.object_get(subscription_id, lock=True)
    if subscription["customer"] != customer_id:
        raise NotYours(subscription_id)
    return subscription


def subscription_cancel_at_period_end(*, subscription_id: str, customer_id: str) -> None:
    with transaction.atomic():
        subscription = _subscription_of(subscription_id=subscription_id, customer_id=customer_id)
        if subscription["status"] == "canceled" or subscription["cancel_at_period_end"]:
            return
        previous = {"cancel_at": None, "cancel_at_period_end": False, "canceled_at": None}
        subscription.update(cancel_at_period_end=True, cancel_at=_period(subscription)[1], canceled_at=_now())
        subscription["cancellation_details"]["reason"] = "cancellation_requested"
        store.object_put(subscription)
    event_send(type="customer.subscription.updated", data_object=subscription, previous=previous)


def subscription_resume(*, subscription_id: str, customer_id: str) -> None:
    """ "Don't cancel": the portal's undo of a cancellation at the period end."""
    with transaction.atomic():
        subscription = _subscription_of(subscription_id=subscription_id, customer_id=customer_id)
        if subscription["status"] == "canceled" or not subscription["cancel_at_period_end"]:
            return
        previous = {k: subscription[k] for k in ("cancel_at", "cancel_at_period_end", "canceled_at")}
        subscription.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
        subscription["cancellation_details"]["reason"] = None
        store.object_put(subscription)
    event_send(type="customer.subscription.updated", data_object=subscription, previous=previous)


def subscription_cancel_now(*, subscription_id: str, customer_id: str, refund: bool = False) -> None:
    """Cancel immediately (and, as staff may in Stripe's dashboard, refund the last payment)."""
    with transaction.atomic():
        subscription = _subscription_of(subscription_id=subscription_id, customer_id=customer_id)
        if subscription["status"] == "canceled":
            return
        now = _now()
        subscription.update(status="canceled", ended_at=now, canceled_at=subscription["canceled_at"] or now)
        store.object_put(subscription)
        invoice = store.object_get(subscription["latest_invoice"]) if subscription["latest_invoice"] else None
    if refund and invoice and invoice["status"] == "paid":
        event_send(type="charge.refunded", data_object=objects.charge_refunded(invoice_object=invoice, created=now))
    event_send(type="customer.subscription.deleted", data_object=subscription)


def _renew(subscription: dict[str, Any], *, start: int, paid: bool) -> dict[str, Any]:
    """A new period from `start`, billed by a new invoice, paid or not."""
    _set_period(
        subscription,
        start,
        objects.add_interval(start, subscription["items"]["data"][0]["price"]["recurring"]["interval"]),
    )
    invoice = objects.invoice(
        subscription_object=subscription, billing_reason="subscription_cycle", created=start, paid=paid
    )
    subscription["latest_invoice"] = invoice["id"]
    subscription["status"] = "active" if paid else "past_due"
    store.object_put(invoice)
    store.object_put(subscription)
    return invoice


def subscription_renewal_fails(*, subscription_id: str, customer_id: str) -> None:
    """Simulate the next renewal now, with the card declined: the subscription falls past due."""
    with transaction.atomic():
        subscription = _subscription_of(subscription_id=subscription_id, customer_id=customer_id)
        if subscription["status"] != "active":
            return
        previous = {"status": "active", "latest_invoice": subscription["latest_invoice"]}
        invoice = _renew(subscription, start=_now(), paid=False)
    event_send(type="invoice.payment_failed", data_object=invoice)
    event_send(type="customer.subscription.updated", data_object=subscription, previous=previous)


def subscription_invoice_pay(*, subscription_id: str, customer_id: str) -> None:
    """The person updates their card and the failed invoice is paid: back to active."""
    with transaction.atomic():
        subscription = _subscription_of(subscription_id=subscription_id, customer_id=customer_id)
        if subscription["status"] not in ("past_due", "unpaid"):
            return
        invoice = store.object_get(subscription["latest_invoice"])
        now = _now()
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = now
        for payment in invoice["payments"]["data"]:
            payment.update(status="paid", amount_paid=invoice["amount_due"])
            payment["status_transitions"]["paid_at"] = now
        previous = {"status": subscription["status"]}
        subscription["status"] = "active"
        store.object_put(invoice)
        store.object_put(subscription)
    event_send(type="invoice.paid", data_object=invoice)
    event_send(type="customer.subscription.updated", data_object=subscription, previous=previous)


def clock_advance(*, now: int | None = None) -> int:
    """Do what Stripe's billing does when a period ends: renew (paid), or end a subscription
    cancelled at the period end. Returns how many subscriptions changed."""
    _require_enabled()
    now = now or _now()
    changed = 0
    for stored in store.objects_of("subscription"):
        if stored["status"] != "active" or _period(stored)[1] > now:
            continue
        changed += 1
        with transaction.atomic():
            subscription = store.object_get(stored["id"], lock=True)
            previous: dict[str, Any] = {"status": subscription["status"]}
            invoices: list[dict[str, Any]] = []
            if subscription["cancel_at_period_end"]:
                subscription.update(status="canceled", ended_at=_period(subscription)[1])
                store.object_put(subscription)
            else:
                while _period(subscription)[1] <= now:
                    invoices.append(_renew(subscription, start=_period(subscription)[1], paid=True))
        if subscription["status"] == "canceled":
            event_send(type="customer.subscription.deleted", data_object=subscription)
            continue
        for invoice in invoices:
            event_send(type="invoice.paid", data_object=invoice)
        event_send(type="customer.subscription.updated", data_object=subscription, previous=previous)
    return changed
