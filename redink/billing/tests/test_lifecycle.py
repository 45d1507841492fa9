"""A subscription's whole life, its events delivered in every order, twice or late: access always
ends up exactly as Stripe's final state says. And the rules for failed payments, cancelling
and refunds, one at a time."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redink.access.models import Entitlement
from redink.access.selectors import user_has_membership
from redink.billing.models import BillingCustomer, Subscription, WebhookEvent
from redink.billing.webhooks import webhook_receive
from redink.testing.factories import UserFactory

from . import stripe_objects as so
from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

SUB = "sub_1MowQVLkdIwHu7ixeRlqHVzs"
CUS = "cus_NffrFeUfNV2Hib"


def deliver(evt: dict) -> WebhookEvent:  # type: ignore[type-arg]
    payload = so.payload_of(evt)
    return webhook_receive(payload=payload, signature=so.signature_header(payload, WEBHOOK_SECRET))


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def member_now(user) -> bool:  # type: ignore[no-untyped-def]
    return user_has_membership(user=type(user).objects.get(pk=user.pk))  # a fresh object: no cached answer


@dataclass
class Lifecycle:
    """Checkout, created, first invoice paid; the renewal fails (updated: past_due), is recovered
    (invoice paid, updated: active); cancelled at the period end (updated); deleted at the period end.

    `states[k]` is the subscription as Stripe returns it after step k; `events` pairs each event
    with the step at which Stripe sent it.
    """

    t0: int
    states: list[dict]  # type: ignore[type-arg]
    events: list[tuple[int, dict]]  # type: ignore[type-arg]

    @property
    def period2(self) -> tuple[int, int]:
        return self.t0 + 30 * so.DAY, self.t0 + 60 * so.DAY


def lifecycle(user_id: int, t0: int) -> Lifecycle:
    p1, p2, p3 = t0, t0 + 30 * so.DAY, t0 + 60 * so.DAY
    first = so.invoice(
        invoice_id="in_1First",
        subscription_id=SUB,
        customer_id=CUS,
        status="paid",
        payment_intent="pi_1First",
        created=p1,
        billing_reason="subscription_create",
    )
    renewal_failed = so.invoice(
        invoice_id="in_1Renewal",
        subscription_id=SUB,
        customer_id=CUS,
        status="open",
        payment_intent="pi_1Renewal",
        created=p2,
    )
    renewal_paid = so.invoice(
        invoice_id="in_1Renewal",
        subscription_id=SUB,
        customer_id=CUS,
        status="paid",
        payment_intent="pi_1Renewal",
        created=p2,
    )
    common = dict(customer_id=CUS, start=p1, user_id=user_id)
    s0 = so.subscription(status="active", period_start=p1, period_end=p2, latest_invoice=first, **common)
    s1 = so.subscription(status="past_due", period_start=p2, period_end=p3, latest_invoice=renewal_failed, **common)
    s2 = so.subscription(status="active", period_start=p2, period_end=p3, latest_invoice=renewal_paid, **common)
    cancelled_at = p2 + 10 * so.DAY
    s3 = so.subscription(
        status="active",
        period_start=p2,
        period_end=p3,
        latest_invoice=renewal_paid,
        cancel_at_period_end=True,
        canceled_at=cancelled_at,
        **common,
    )
    s4 = so.subscription(
        status="canceled",
        period_start=p2,
        period_end=p3,
        latest_invoice=renewal_paid,
        cancel_at_period_end=True,
        canceled_at=cancelled_at,
        ended_at=p3,
        **common,
    )
    session = so.checkout_session(customer_id=CUS, subscription_id=SUB, user_id=user_id, created=p1)
    events = [
        (0, so.event("evt_01checkout", "checkout.session.completed", session, created=p1)),
        (0, so.event("evt_02created", "customer.subscription.created", s0, created=p1)),
        (0, so.event("evt_03paid", "invoice.paid", first, created=p1)),
        (1, so.event("evt_04failed", "invoice.payment_failed", renewal_failed, created=p2)),
        (1, so.event("evt_05pastdue", "customer.subscription.updated", s1, created=p2, previous={"status": "active"})),
        (2, so.event("evt_06recovered", "invoice.paid", renewal_paid, created=p2 + so.DAY)),
        (
            2,
            so.event(
                "evt_07active",
                "customer.subscription.updated",
                s2,
                created=p2 + so.DAY,
                previous={"status": "past_due"},
            ),
        ),
        (
            3,
            so.event(
                "evt_08cancelling",
                "customer.subscription.updated",
                s3,
                created=cancelled_at,
                previous={"cancel_at_period_end": False, "cancel_at": None, "canceled_at": None},
            ),
        ),
        (4, so.event("evt_09deleted", "customer.subscription.deleted", s4, created=p3)),
    ]
    return Lifecycle(t0=t0, states=[s0, s1, s2, s3, s4], events=events)


N_EVENTS = 9
deliveries = st.tuples(
    st.permutations(range(N_EVENTS)),
    # Re-deliveries: (which event, where in the sequence).
    st.lists(st.tuples(st.integers(0, N_EVENTS - 1), st.integers(0, 2 * N_EVENTS)), max_size=8),
    # True: every event arrives after the whole life is over (Stripe is already in its final state);
    # False: Stripe is only as far along as the newest event delivered so far.
    st.booleans(),
    # Whether Checkout had made the customer known before the events (it does, in Redink's flow).
    st.booleans(),
)


@settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # examples: the profile in conftest.py
@given(deliveries)
def test_every_order_of_a_lifecycles_events_gives_the_same_right_final_state(fake_stripe, plans, schedule):
    order, repeats, all_late, customer_known = schedule
    sequence = list(order)
    for index, position in repeats:
        sequence.insert(min(position, len(sequence)), index)
    with transaction.atomic():
        user = UserFactory()
        if customer_known:
            BillingCustomer.objects.create(user=user, mode="test", stripe_id=CUS)
        life = lifecycle(user.pk, t0=int(time.time()) - 70 * so.DAY)
        step = 0
        for index in sequence:
            emitted_at, evt = life.events[index]
            step = len(life.states) - 1 if all_late else max(step, emitted_at)
            fake_stripe.subscriptions[SUB] = life.states[step]
            deliver(evt)

        period_start, period_end = life.period2
        row = Subscription.objects.get()
        assert (row.user, row.status, row.cancel_at_period_end) == (user, "canceled", True)
        assert (row.current_period_start, row.current_period_end) == (at(period_start), at(period_end))
        assert row.ended_at == at(period_end)
        entitlement = Entitlement.objects.get(user=user)
        assert entitlement.source == Entitlement.Source.SUBSCRIPTION
        assert (entitlement.starts_at, entitlement.ends_at) == (at(life.t0), at(period_end))
        assert row.entitlement == entitlement
        assert not member_now(user)
        assert WebhookEvent.objects.count() == N_EVENTS
        assert set(WebhookEvent.objects.values_list("status", flat=True)) == {WebhookEvent.Status.PROCESSED}
        assert BillingCustomer.objects.get(stripe_id=CUS).user == user
        transaction.set_rollback(True)


# --- One rule at a time, in the present --------------------------------------------------


@pytest.fixture
def subscriber(fake_stripe, plans):  # type: ignore[no-untyped-def]
    user = UserFactory()
    BillingCustomer.objects.create(user=user, mode="test", stripe_id=CUS)
    return user


def put(fake_stripe, user, **fields) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Stripe's current subscription, and an event saying it changed (with a new id each time)."""
    now = int(time.time())
    status = fields.pop("status", "active")
    period_start = fields.pop("period_start", now - so.DAY)
    invoice_status = fields.pop("invoice_status", "paid" if status == "active" else "open")
    invoice = so.invoice(
        invoice_id=fields.pop("invoice_id", "in_1Current"),
        subscription_id=SUB,
        customer_id=CUS,
        status=invoice_status,
        payment_intent=fields.pop("payment_intent", "pi_1Current"),
        created=period_start,
    )
    sub = so.subscription(
        customer_id=CUS,
        status=status,
        start=fields.pop("start", now - 40 * so.DAY),
        period_start=period_start,
        period_end=fields.pop("period_end", period_start + 30 * so.DAY),
        latest_invoice=invoice,
        user_id=user.pk,
        **fields,
    )
    fake_stripe.subscriptions[SUB] = sub
    put.counter = getattr(put, "counter", 0) + 1  # type: ignore[attr-defined]
    return so.event(f"evt_1Now{put.counter}", "customer.subscription.updated", sub, created=now)  # type: ignore[attr-defined]


def ends_at(user) -> float:  # type: ignore[no-untyped-def]
    return Entitlement.objects.get(user=user).ends_at.timestamp()


class TestAccessRules:
    def test_active_subscription_gives_access_to_the_period_end(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_start=now - so.DAY, period_end=now + 29 * so.DAY))
        assert member_now(subscriber)
        assert ends_at(subscriber) == now + 29 * so.DAY

    def test_cancelling_keeps_access_to_the_period_end(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_end=now + 10 * so.DAY))
        deliver(put(fake_stripe, subscriber, period_end=now + 10 * so.DAY, cancel_at_period_end=True, canceled_at=now))
        assert member_now(subscriber)
        assert ends_at(subscriber) == now + 10 * so.DAY
        assert Subscription.objects.get().cancel_at_period_end

    def test_a_failed_payment_keeps_access_for_the_grace_period_then_recovery_restores_it(
        self, fake_stripe, subscriber
    ):
        now = int(time.time())
        renewed = now - so.DAY
        deliver(put(fake_stripe, subscriber, period_start=renewed - 30 * so.DAY, period_end=renewed))
        deliver(put(fake_stripe, subscriber, status="past_due", period_start=renewed, invoice_id="in_1Renewal"))
        assert member_now(subscriber), "within the 3-day grace the member still reads"
        assert ends_at(subscriber) == renewed + 3 * so.DAY
        deliver(put(fake_stripe, subscriber, status="active", period_start=renewed, invoice_id="in_1Renewal"))
        assert member_now(subscriber)
        assert ends_at(subscriber) == renewed + 30 * so.DAY

    def test_access_ends_when_the_grace_period_is_over(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, status="past_due", period_start=now - 4 * so.DAY))
        assert not member_now(subscriber)
        assert ends_at(subscriber) == now - so.DAY

    def test_the_grace_period_is_a_setting(self, fake_stripe, subscriber, settings):
        settings.REDINK_PAYMENT_GRACE_DAYS = 7
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, status="past_due", period_start=now - 4 * so.DAY))
        assert member_now(subscriber)
        assert ends_at(subscriber) == now + 3 * so.DAY

    def test_stripe_giving_up_on_a_failed_payment_ends_access_at_the_grace_end(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, status="past_due", period_start=now - 2 * so.DAY))
        assert member_now(subscriber)
        # Stripe cancels after its retries; the unpaid period gave no more than the grace.
        deliver(put(fake_stripe, subscriber, status="canceled", period_start=now - 20 * so.DAY, ended_at=now))
        assert not member_now(subscriber)
        assert ends_at(subscriber) == now - 17 * so.DAY

    def test_an_immediate_cancellation_ends_access_at_once(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_end=now + 20 * so.DAY))
        assert member_now(subscriber)
        deliver(
            put(
                fake_stripe,
                subscriber,
                status="canceled",
                invoice_status="paid",
                ended_at=now - 5,
                canceled_at=now - 5,
                period_end=now + 20 * so.DAY,
            )
        )
        assert not member_now(subscriber)
        assert ends_at(subscriber) == now - 5

    def test_a_full_refund_of_the_current_period_ends_access(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_end=now + 20 * so.DAY, payment_intent="pi_1Current"))
        refund = so.charge(
            charge_id="ch_1Refund",
            customer_id=CUS,
            payment_intent="pi_1Current",
            amount_refunded=699,
            created=now - 100,
        )
        deliver(so.event("evt_1Refund", "charge.refunded", refund, created=now - 30))
        assert not member_now(subscriber)
        assert ends_at(subscriber) == now - 30
        # A later update of the (still active) subscription does not bring the refunded period back.
        deliver(put(fake_stripe, subscriber, period_end=now + 20 * so.DAY, payment_intent="pi_1Current"))
        assert not member_now(subscriber)

    def test_a_refund_that_arrives_before_the_subscription_still_counts(self, fake_stripe, subscriber):
        now = int(time.time())
        refund = so.charge(
            charge_id="ch_1Early", customer_id=CUS, payment_intent="pi_1Current", amount_refunded=699, created=now
        )
        deliver(so.event("evt_1EarlyRefund", "charge.refunded", refund, created=now - 10))
        deliver(put(fake_stripe, subscriber, period_end=now + 20 * so.DAY, payment_intent="pi_1Current"))
        assert not member_now(subscriber)

    def test_a_partial_refund_or_a_refund_of_an_older_period_changes_nothing(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_end=now + 20 * so.DAY, payment_intent="pi_1Current"))
        partial = so.charge(
            charge_id="ch_1Part", customer_id=CUS, payment_intent="pi_1Current", amount_refunded=200, created=now
        )
        assert (
            deliver(so.event("evt_1Partial", "charge.refunded", partial, created=now)).status
            == WebhookEvent.Status.IGNORED
        )
        older = so.charge(
            charge_id="ch_1Old", customer_id=CUS, payment_intent="pi_1LastMonth", amount_refunded=699, created=now
        )
        deliver(so.event("evt_1OldRefund", "charge.refunded", older, created=now))
        assert member_now(subscriber)
        assert ends_at(subscriber) == now + 20 * so.DAY

    def test_a_renewal_extends_the_same_entitlement(self, fake_stripe, subscriber):
        now = int(time.time())
        deliver(put(fake_stripe, subscriber, period_start=now - 29 * so.DAY, period_end=now + so.DAY))
        deliver(
            put(fake_stripe, subscriber, period_start=now + so.DAY, period_end=now + 31 * so.DAY, invoice_id="in_1Next")
        )
        assert Entitlement.objects.filter(user=subscriber).count() == 1
        assert ends_at(subscriber) == now + 31 * so.DAY

    def test_a_subscription_that_never_got_paid_gives_nothing(self, fake_stripe, subscriber):
        deliver(put(fake_stripe, subscriber, status="incomplete"))
        assert not Entitlement.objects.exists()
        deliver(put(fake_stripe, subscriber, status="incomplete_expired"))
        assert not Entitlement.objects.exists()
