"""The webhook endpoint: signatures checked by the stripe library, every event stored before it is
handled, each handled once, and access taken from Stripe's current state, not the event's copy."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from redink.access.models import Entitlement
from redink.access.selectors import user_has_membership
from redink.billing.models import BillingCustomer, Subscription, WebhookEvent

from . import stripe_objects as so
from .conftest import WEBHOOK_SECRET

URL = "/join/stripe/webhook/"
pytestmark = pytest.mark.django_db


def post(client: Client, payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None, header=None):  # type: ignore[no-untyped-def]
    signature = so.signature_header(payload, secret, timestamp) if header is None else header
    return client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def fresh_member(user) -> bool:  # type: ignore[no-untyped-def]
    """Membership asked afresh (the selector caches its answer on the user object)."""
    return user_has_membership(user=type(user).objects.get(pk=user.pk))  # a fresh object: no cached answer


@pytest.fixture
def world(fake_stripe, student, plans):  # type: ignore[no-untyped-def]
    """A student who started Checkout (so has a customer), and an active subscription in Stripe."""
    now = int(time.time())
    BillingCustomer.objects.create(user=student, mode="test", stripe_id="cus_NffrFeUfNV2Hib")
    paid = so.invoice(
        invoice_id="in_1MtHbELkdIwHu7ixl4OzzPMv",
        subscription_id="sub_1MowQVLkdIwHu7ixeRlqHVzs",
        customer_id="cus_NffrFeUfNV2Hib",
        status="paid",
        payment_intent="pi_3MtwBwLkdIwHu7ix28a3tqPa",
        created=now - 60,
        billing_reason="subscription_create",
    )
    fake_stripe.subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"] = so.subscription(
        customer_id="cus_NffrFeUfNV2Hib",
        status="active",
        start=now - 60,
        period_start=now - 60,
        period_end=now + 30 * so.DAY,
        latest_invoice=paid,
        user_id=student.pk,
    )
    return {"user": student, "stripe": fake_stripe, "now": now, "invoice": paid}


def subscription_event(world, event_id="evt_1NG8Du2eZvKYlo2CUI79vXWy", kind="customer.subscription.created"):  # type: ignore[no-untyped-def]
    sub = world["stripe"].subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"]
    return so.event(event_id, kind, sub, created=world["now"])


class TestSignatures:
    def test_a_validly_signed_event_grants_access_to_the_period_end(self, client, world):
        response = post(client, so.payload_of(subscription_event(world)))
        assert response.status_code == 200
        entitlement = Entitlement.objects.get(user=world["user"])
        assert entitlement.source == Entitlement.Source.SUBSCRIPTION
        assert entitlement.ends_at.timestamp() == world["now"] + 30 * so.DAY
        assert fresh_member(world["user"])
        stored = WebhookEvent.objects.get()
        assert (stored.stripe_id, stored.type, stored.status) == (
            "evt_1NG8Du2eZvKYlo2CUI79vXWy",
            "customer.subscription.created",
            WebhookEvent.Status.PROCESSED,
        )
        assert stored.payload["data"]["object"]["id"] == "sub_1MowQVLkdIwHu7ixeRlqHVzs"

    @pytest.mark.parametrize(
        "case",
        ["wrong secret", "stale timestamp (replay)", "tampered body", "no header", "garbage header", "future replay"],
    )
    def test_a_bad_signature_is_refused_and_nothing_changes(self, client, world, case):
        payload = so.payload_of(subscription_event(world))
        now = int(time.time())
        if case == "wrong secret":
            response = post(client, payload, secret="whsec_someone_else")
        elif case == "stale timestamp (replay)":
            response = post(client, payload, timestamp=now - 301)
        elif case == "future replay":
            # A valid old signature re-sent with its own old timestamp is a replay too.
            old = so.signature_header(payload, WEBHOOK_SECRET, now - 3600)
            response = post(client, payload, header=old)
        elif case == "tampered body":
            signature = so.signature_header(payload, WEBHOOK_SECRET)
            tampered = payload.replace(b'"status":"active"', b'"status":"trialing"')
            assert tampered != payload
            response = post(client, tampered, header=signature)
        elif case == "no header":
            response = client.post(URL, data=payload, content_type="application/json")
        else:
            response = post(client, payload, header="t=abc,v1=")
        assert response.status_code == 400
        assert not WebhookEvent.objects.exists()
        assert not Entitlement.objects.exists()
        assert not Subscription.objects.exists()

    @pytest.mark.parametrize(
        "body",
        [b"{not json", b"", b"[1, 2, 3]", b'{"id": "evt_1", "object": "charge"}', b'{"object": "event", "id": 5}'],
    )
    def test_a_malformed_body_is_refused_even_when_signed(self, client, world, body):
        response = post(client, body)
        assert response.status_code == 400
        assert not WebhookEvent.objects.exists() and not Entitlement.objects.exists()

    def test_an_oversize_body_gets_413_not_500_and_nothing_is_stored(self, client, world):
        payload = b'{"padding": "' + b"x" * (30 * 1024 * 1024) + b'"}'  # the security review's 30 MB
        response = post(client, payload)
        assert response.status_code == 413
        assert not WebhookEvent.objects.exists()

    def test_a_signature_dated_in_the_future_is_refused_like_a_stale_one(self, client, world):
        payload = so.payload_of(subscription_event(world))
        response = post(client, payload, timestamp=int(time.time()) + 3600)
        assert response.status_code == 400
        assert not WebhookEvent.objects.exists() and not Entitlement.objects.exists()
        assert post(client, payload, timestamp=int(time.time()) + 30).status_code == 200, "clock skew is tolerated"

    def test_only_post_is_accepted(self, client, world):
        assert client.get(URL).status_code == 405

    def test_the_webhook_needs_no_csrf_token_but_other_forms_do(self, world, plans):
        csrf_client = Client(enforce_csrf_checks=True)
        assert post(csrf_client, so.payload_of(subscription_event(world))).status_code == 200
        csrf_client.force_login(world["user"])
        assert csrf_client.post("/join/monthly/checkout/").status_code == 403
        assert csrf_client.post("/join/manage/").status_code == 403


class TestExactlyOnce:
    def test_the_same_event_twice_gives_one_entitlement(self, client, world):
        payload = so.payload_of(subscription_event(world))
        assert post(client, payload).status_code == 200
        assert post(client, payload).status_code == 200
        assert Entitlement.objects.count() == 1
        assert WebhookEvent.objects.get().attempts == 1
        assert len(world["stripe"].calls_to("subscription_retrieve")) == 1

    def test_a_failure_is_stored_then_handled_when_stripe_retries(self, client, world):
        world["stripe"].down = True
        payload = so.payload_of(subscription_event(world))
        assert post(client, payload).status_code == 500
        failed = WebhookEvent.objects.get()
        assert failed.status == WebhookEvent.Status.FAILED and "StripeUnavailable" in failed.note
        assert not Entitlement.objects.exists()
        world["stripe"].down = False
        assert post(client, payload).status_code == 200
        handled = WebhookEvent.objects.get()
        assert handled.status == WebhookEvent.Status.PROCESSED and handled.attempts == 2
        assert Entitlement.objects.count() == 1

    def test_events_redink_does_not_act_on_are_stored_and_ignored(self, client, world):
        evt = so.event("evt_1Other", "customer.updated", so.customer(), created=world["now"])
        assert post(client, so.payload_of(evt)).status_code == 200
        stored = WebhookEvent.objects.get()
        assert stored.status == WebhookEvent.Status.IGNORED and "customer.updated" in stored.note


class TestTheEventIsNotTrusted:
    def test_access_follows_stripes_current_state_not_the_events_copy(self, client, world):
        evt = subscription_event(world, kind="customer.subscription.updated")
        # Stripe now says the subscription never got paid; the (old) event still says active.
        world["stripe"].subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"]["status"] = "incomplete_expired"
        assert post(client, so.payload_of(evt)).status_code == 200
        assert not Entitlement.objects.exists()
        assert Subscription.objects.get().status == "incomplete_expired"

    def test_a_subscription_of_someone_else_on_the_stripe_account_is_ignored(self, client, world):
        sub = world["stripe"].subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"]
        sub.update(customer="cus_NotOurs", metadata={})
        evt = so.event("evt_1Foreign", "customer.subscription.created", sub, created=world["now"])
        assert post(client, so.payload_of(evt)).status_code == 200
        assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
        assert not Entitlement.objects.exists()

    def test_an_invoice_that_is_not_for_a_subscription_is_ignored(self, client, world):
        one_off = dict(world["invoice"], parent=None)
        evt = so.event("evt_1OneOff", "invoice.paid", one_off, created=world["now"])
        assert post(client, so.payload_of(evt)).status_code == 200
        assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED

    def test_the_event_payload_is_stored_verbatim(self, client, world):
        evt = subscription_event(world)
        post(client, so.payload_of(evt))
        assert WebhookEvent.objects.get().payload == json.loads(so.payload_of(evt))

    def test_checkout_completed_ties_a_new_customer_to_the_account_that_paid(self, client, world):
        BillingCustomer.objects.all().delete()
        sub = world["stripe"].subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"]
        sub["metadata"] = {}  # only the Checkout Session says whose it is
        session = so.checkout_session(
            customer_id="cus_NffrFeUfNV2Hib", subscription_id=sub["id"], user_id=world["user"].pk
        )
        evt = so.event("evt_1Checkout", "checkout.session.completed", session, created=world["now"])
        assert post(client, so.payload_of(evt)).status_code == 200
        assert BillingCustomer.objects.get().user == world["user"]
        assert fresh_member(world["user"])
        assert Subscription.objects.get().plan.slug == "monthly"

    def test_a_late_event_after_the_subscription_ended_does_not_restore_access(self, client, world):
        sub = world["stripe"].subscriptions["sub_1MowQVLkdIwHu7ixeRlqHVzs"]
        post(client, so.payload_of(subscription_event(world)))
        ended = world["now"] - 10
        sub.update(status="canceled", ended_at=ended, canceled_at=ended)
        deleted = so.event("evt_1Deleted", "customer.subscription.deleted", sub, created=world["now"])
        post(client, so.payload_of(deleted))
        assert not fresh_member(world["user"])
        # The "created" event of an hour ago arrives again under a new delivery: still no access.
        late = subscription_event(world, event_id="evt_1LateCopy")
        late["data"]["object"]["status"] = "active"
        post(client, so.payload_of(late))
        assert not fresh_member(world["user"])
        assert Entitlement.objects.get().ends_at.timestamp() == pytest.approx(ended)
        assert timezone.now().timestamp() > ended
