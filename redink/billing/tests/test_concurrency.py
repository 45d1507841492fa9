"""Stripe delivers concurrently: the same event at once on two connections, or two events of one
subscription side by side. Each event is still handled once, and one entitlement results."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from redink.access.models import Entitlement
from redink.billing.models import BillingCustomer, Subscription, WebhookEvent
from redink.billing.webhooks import webhook_receive

from . import stripe_objects as so
from .conftest import WEBHOOK_SECRET

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL (SQLite takes turns)"
    ),
]


def all_at_once(jobs: list[Callable[[], object]]) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            start.wait()
            job()
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def signed(fake_stripe, plans, student):  # type: ignore[no-untyped-def]
    now = int(time.time())
    BillingCustomer.objects.create(user=student, mode="test", stripe_id="cus_1Conc")
    sub = so.subscription(
        subscription_id="sub_1Conc",
        customer_id="cus_1Conc",
        status="active",
        start=now,
        period_start=now,
        period_end=now + 30 * so.DAY,
        latest_invoice=None,
    )
    fake_stripe.subscriptions["sub_1Conc"] = sub

    def make(event_id: str, kind: str) -> tuple[bytes, str]:
        payload = so.payload_of(so.event(event_id, kind, sub, created=now))
        return payload, so.signature_header(payload, WEBHOOK_SECRET)

    return make


def test_the_same_event_delivered_four_times_at_once_is_handled_once(signed, fake_stripe):
    payload, signature = signed("evt_1Same", "customer.subscription.created")
    errors = all_at_once([lambda: webhook_receive(payload=payload, signature=signature)] * 4)
    assert not errors
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == (WebhookEvent.Status.PROCESSED, 1)
    assert len(fake_stripe.calls_to("subscription_retrieve")) == 1
    assert Entitlement.objects.count() == 1


def test_different_events_of_one_subscription_at_once_give_one_entitlement(signed):
    deliveries = [
        signed(f"evt_1Many{n}", kind)
        for n, kind in enumerate(["customer.subscription.created"] + ["customer.subscription.updated"] * 3)
    ]
    errors = all_at_once([lambda p=p, s=s: webhook_receive(payload=p, signature=s) for p, s in deliveries])
    assert not errors
    assert WebhookEvent.objects.filter(status=WebhookEvent.Status.PROCESSED).count() == 4
    assert Subscription.objects.count() == 1
    assert Entitlement.objects.count() == 1
