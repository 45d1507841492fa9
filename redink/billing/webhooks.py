"""Stripe webhooks: verify, store, then handle each event exactly once.

1. The signature and timestamp are checked by the stripe library (`stripe_api`); a request
   that fails is refused before anything is written.
2. The event is stored (id, type, payload, status) before it is handled, keyed by its id, so a
   duplicate finds the row and does nothing more.
3. Handling locks the row, so two deliveries of one event cannot both act; a failure leaves
   the row `failed` and answers 500, and Stripe's retry handles it again.

Handlers only re-read state through `sync`, so the order events arrive in does not matter.
The test-mode checkout delivers its own signed events through `webhook_receive` too.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import stripe_api
from .gateway import webhook_secret
from .models import WebhookEvent
from .sync import checkout_session_apply, invoice_subscription_id, refund_record, subscription_refresh

logger = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = frozenset(
    {"customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"}
)
INVOICE_EVENTS = frozenset({"invoice.paid", "invoice.payment_failed"})
HANDLED_EVENTS = SUBSCRIPTION_EVENTS | INVOICE_EVENTS | {"checkout.session.completed", "charge.refunded"}


def webhook_receive(*, payload: bytes, signature: str) -> WebhookEvent:
    """Verify a webhook request, store its event, and handle it unless it was handled before.

    Raises `stripe_api.WebhookRejected` for a bad signature, a stale timestamp or a malformed body.
    """
    event = stripe_api.webhook_event_construct(payload=payload, signature=signature, secret=webhook_secret())
    record = webhook_event_store(event=event)
    return webhook_event_process(event_pk=record.pk)


def webhook_event_store(*, event: dict[str, Any]) -> WebhookEvent:
    record, _ = WebhookEvent.objects.get_or_create(
        stripe_id=event["id"],
        defaults={
            "type": event["type"],
            "livemode": bool(event.get("livemode")),
            "api_version": str(event.get("api_version") or ""),
            "created": datetime.fromtimestamp(event["created"], tz=UTC),
            "payload": event,
        },
    )
    return record


def webhook_event_process(*, event_pk: int) -> WebhookEvent:
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.select_for_update().get(pk=event_pk)
            if record.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED):
                return record  # a duplicate: handled once already
            ignored_because = event_handle(event=record.payload)
            record.status = WebhookEvent.Status.IGNORED if ignored_because else WebhookEvent.Status.PROCESSED
            record.note = ignored_because
            record.attempts += 1
            record.processed_at = timezone.now()
            record.save(update_fields=["status", "note", "attempts", "processed_at"])
            return record
    except Exception as exc:
        logger.exception("Stripe event %s failed; Stripe will send it again", event_pk)
        WebhookEvent.objects.filter(pk=event_pk).update(
            status=WebhookEvent.Status.FAILED, attempts=F("attempts") + 1, note=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def event_handle(*, event: dict[str, Any]) -> str:
    """Act on one event; returns why it was ignored, or "" when it was handled."""
    kind = event["type"]
    obj = event["data"]["object"]
    if kind == "checkout.session.completed":
        checkout_session_apply(session=obj)
        return ""
    if kind == "charge.refunded":
        refunded_at = datetime.fromtimestamp(event["created"], tz=UTC)
        refund_record(charge=obj, refunded_at=refunded_at)
        return "" if obj.get("refunded") else "a partial refund leaves access as it is"
    if kind in SUBSCRIPTION_EVENTS:
        subscription_id = str(obj.get("id") or "")
    elif kind in INVOICE_EVENTS:
        subscription_id = invoice_subscription_id(obj)
        if not subscription_id:
            return "the invoice is not for a subscription"
    else:
        return f"Redink does not act on {kind} events"
    row = subscription_refresh(subscription_id=subscription_id)
    return "" if row.user_id else "the subscription's customer is not a Redink account"
