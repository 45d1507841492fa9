"""The test-mode checkout: only where it is allowed, labelled on every page, and going through the
same signed-webhook path as Stripe, never writing entitlements itself."""

from __future__ import annotations

import re
import time

import pytest
from django.core import checks

from redink.access.models import Entitlement
from redink.access.selectors import user_has_membership
from redink.billing import gateway
from redink.billing.models import Subscription, WebhookEvent
from redink.billing.reconcile import subscriptions_reconcile
from redink.billing.testmode import actions, objects, store
from redink.billing.testmode import gateway as local

from . import stripe_objects as so

pytestmark = pytest.mark.django_db
TEST_MODE_LABEL = "Test mode</strong>"


def member_now(user) -> bool:  # type: ignore[no-untyped-def]
    return user_has_membership(user=type(user).objects.get(pk=user.pk))


def join(client, student, plan: str = "monthly", next_url: str = "/essays/an-essay/"):  # type: ignore[no-untyped-def]
    """Log in, choose a plan, and arrive on the test-mode checkout page; returns its address."""
    client.force_login(student)
    response = client.post(f"/join/{plan}/checkout/", {"next": next_url})
    assert response.status_code == 303
    assert re.fullmatch(r"/join/test-checkout/cs_loc[0-9a-f]+/", response["Location"])
    return response["Location"]


class TestWhereItRuns:
    def test_on_in_demo_mode(self, settings):
        settings.STRIPE_SECRET_KEY, settings.DEBUG, settings.REDINK_ALLOW_TEST_CHECKOUT = "", True, False
        assert gateway.billing_mode() == "test"

    def test_off_in_production_unless_explicitly_allowed(self, settings):
        settings.STRIPE_SECRET_KEY, settings.DEBUG, settings.REDINK_ALLOW_TEST_CHECKOUT = "", False, False
        assert gateway.billing_mode() == "off"
        settings.REDINK_ALLOW_TEST_CHECKOUT = True
        assert gateway.billing_mode() == "test"
        assert [m.id for m in checks.run_checks(tags=["billing"])] == ["billing.W001"]

    def test_never_when_stripe_is_configured(self, settings):
        settings.STRIPE_SECRET_KEY, settings.DEBUG, settings.REDINK_ALLOW_TEST_CHECKOUT = "sk_test_x", True, True
        settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
        assert gateway.billing_mode() == "stripe"
        assert checks.run_checks(tags=["billing"]) == []

    def test_a_stripe_key_without_a_webhook_secret_is_an_error(self, settings):
        settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_live_x", ""
        assert [m.id for m in checks.run_checks(tags=["billing"])] == ["billing.E001"]

    def test_its_pages_and_actions_refuse_when_it_is_off(self, client, settings, plans, student):
        settings.REDINK_ALLOW_TEST_CHECKOUT = True
        checkout = join(client, student)
        settings.REDINK_ALLOW_TEST_CHECKOUT = False
        assert client.get(checkout).status_code == 404
        assert client.post(checkout, {"action": "pay"}).status_code == 404
        with pytest.raises(actions.TestModeOff):
            actions.clock_advance()
        assert not Entitlement.objects.exists()

    def test_its_events_are_refused_once_stripe_is_configured(self, client, test_mode, plans, student):
        customer = local.customer_create(email=student.email, user_id=student.pk, idempotency_key="k")
        evt = objects.event(type="customer.created", data_object=customer, created=int(time.time()))
        payload = so.payload_of(evt)
        header = so.signature_header(payload, gateway.local_webhook_secret())
        test_mode.STRIPE_SECRET_KEY, test_mode.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_real"
        response = client.post(
            "/join/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 400


class TestTheFlow:
    def test_join_pay_read_cancel_and_keep_access_to_the_period_end(self, client, test_mode, plans, student, essay):
        assert TEST_MODE_LABEL in client.get("/join/").content.decode()
        checkout = join(client, student, next_url=essay.get_absolute_url())
        page = client.get(checkout).content.decode()
        assert TEST_MODE_LABEL in page and "Pay £6.99 (test mode)" in page

        response = client.post(checkout, {"action": "pay"})
        assert response.status_code == 303
        welcome = client.get(response["Location"]).content.decode()
        assert TEST_MODE_LABEL in welcome and "Welcome: you are a member" in welcome
        assert f'href="{essay.get_absolute_url()}">Continue reading' in welcome

        # Access came through signed events and the webhook handler.
        assert sorted(WebhookEvent.objects.values_list("type", "status")) == [
            ("checkout.session.completed", "processed"),
            ("customer.subscription.created", "processed"),
            ("invoice.paid", "processed"),
        ]
        assert essay.paragraphs[-1] in client.get(essay.get_absolute_url()).content.decode()
        subscription = Subscription.objects.get(user=student)
        assert (subscription.mode, subscription.status, subscription.plan.slug) == ("local", "active", "monthly")

        account = client.get("/accounts/").content.decode()
        assert TEST_MODE_LABEL in account and "Renews on" in account
        portal = client.post("/join/manage/")
        assert portal.status_code == 303 and portal["Location"].startswith("/join/test-portal/bps_loc")
        assert TEST_MODE_LABEL in client.get(portal["Location"]).content.decode()
        client.post(portal["Location"], {"action": "cancel", "subscription": subscription.stripe_id})

        subscription.refresh_from_db()
        assert subscription.cancel_at_period_end
        entitlement = Entitlement.objects.get(user=student)
        assert entitlement.ends_at == subscription.current_period_end
        assert member_now(student)
        assert "cancelled. You keep full access until" in client.get("/accounts/").content.decode()
        assert essay.paragraphs[-1] in client.get(essay.get_absolute_url()).content.decode()

        # The period ends: the test-mode billing ends the subscription, and access with it.
        period_end = int(subscription.current_period_end.timestamp())
        assert actions.clock_advance(now=period_end) == 1
        subscription.refresh_from_db()
        assert subscription.status == "canceled" and subscription.ended_at == subscription.current_period_end
        assert Entitlement.objects.get(user=student).ends_at == subscription.current_period_end

    def test_paying_never_writes_an_entitlement_itself(self, client, test_mode, plans, student, monkeypatch):
        from redink.billing.testmode import events

        checkout = join(client, student)
        sent = []
        monkeypatch.setattr(events, "webhook_receive", lambda **kwargs: sent.append(kwargs))
        client.post(checkout, {"action": "pay"})
        assert len(sent) == 3 and all(k["signature"].startswith("t=") for k in sent)
        # Without the webhook, only the success page's re-read (the same one) could grant access.
        assert not Entitlement.objects.filter(user=student).exclude(subscription__isnull=False).exists()

    def test_every_test_mode_event_verifies_with_the_stripe_library(self, client, test_mode, plans, student):
        from redink.billing import stripe_api

        client.post(join(client, student), {"action": "pay"})
        for stored in WebhookEvent.objects.all():
            payload = so.payload_of(stored.payload)
            header = so.signature_header(payload, gateway.local_webhook_secret())
            assert stripe_api.webhook_event_construct(
                payload=payload, signature=header, secret=gateway.local_webhook_secret()
            )

    def test_abandoning_checkout_changes_nothing(self, client, test_mode, plans, student):
        checkout = join(client, student, next_url="/essays/x/")
        response = client.post(checkout, {"action": "cancel"})
        assert (
            response.status_code == 303
            and response["Location"] == "http://testserver/join/cancelled/?next=%2Fessays%2Fx%2F"
        )
        assert TEST_MODE_LABEL in client.get(response["Location"]).content.decode()
        assert not Subscription.objects.exists() and not Entitlement.objects.exists()
        assert client.post(checkout, {"action": "pay"}).status_code == 303  # closed: paying does nothing
        assert not Subscription.objects.exists()

    def test_paying_twice_subscribes_once(self, client, test_mode, plans, student):
        checkout = join(client, student)
        client.post(checkout, {"action": "pay"})
        client.post(checkout, {"action": "pay"})
        assert Subscription.objects.count() == 1 and WebhookEvent.objects.count() == 3

    def test_someone_elses_checkout_or_portal_is_not_found(self, client, test_mode, plans, student, teacher):
        checkout = join(client, student)
        client.force_login(teacher)
        assert client.get(checkout).status_code == 404
        assert client.post(checkout, {"action": "pay"}).status_code == 404
        assert client.get("/join/test-portal/bps_locnothere/").status_code == 404


class TestPortalAndBilling:
    @pytest.fixture
    def subscribed(self, client, test_mode, plans, student):  # type: ignore[no-untyped-def]
        client.post(join(client, student), {"action": "pay"})
        portal = client.post("/join/manage/")["Location"]
        return {"portal": portal, "sub": Subscription.objects.get(user=student), "user": student}

    def act(self, client, subscribed, action):  # type: ignore[no-untyped-def]
        response = client.post(subscribed["portal"], {"action": action, "subscription": subscribed["sub"].stripe_id})
        assert response.status_code == 302
        subscribed["sub"].refresh_from_db()
        return subscribed["sub"]

    def test_resuming_a_cancellation(self, client, subscribed):
        self.act(client, subscribed, "cancel")
        sub = self.act(client, subscribed, "resume")
        assert not sub.cancel_at_period_end and sub.status == "active"

    def test_cancelling_now_ends_access(self, client, subscribed):
        sub = self.act(client, subscribed, "cancel-now")
        assert sub.status == "canceled" and not member_now(subscribed["user"])

    def test_a_refund_ends_access(self, client, subscribed):
        self.act(client, subscribed, "refund")
        assert not member_now(subscribed["user"])
        assert WebhookEvent.objects.filter(type="charge.refunded", status="processed").exists()

    def test_a_failed_renewal_keeps_access_for_the_grace_then_payment_restores_it(self, client, subscribed):
        sub = self.act(client, subscribed, "fail-renewal")
        assert sub.status == "past_due" and member_now(subscribed["user"])
        grace_end = sub.current_period_start.timestamp() + 3 * so.DAY
        assert Entitlement.objects.get(user=subscribed["user"]).ends_at.timestamp() == grace_end
        assert "your last payment failed" in client.get("/accounts/").content.decode()
        sub = self.act(client, subscribed, "pay-invoice")
        assert sub.status == "active"
        assert Entitlement.objects.get(user=subscribed["user"]).ends_at == sub.current_period_end

    def test_renewal_at_the_period_end_extends_access(self, client, subscribed):
        sub = subscribed["sub"]
        end = int(sub.current_period_end.timestamp())
        assert actions.clock_advance(now=end + 60) == 1
        sub.refresh_from_db()
        assert sub.current_period_start.timestamp() == end
        assert Entitlement.objects.get(user=subscribed["user"]).ends_at == sub.current_period_end
        assert sub.current_period_end.timestamp() == objects.add_interval(end, "month")

    def test_reconcile_runs_the_test_mode_billing_too(self, client, subscribed):
        report = subscriptions_reconcile()
        assert report.checked == 1 and report.renewed_in_test_mode == 0 and not report.repaired


def test_the_test_mode_objects_have_the_shapes_of_the_hand_written_stripe_fixtures(test_mode, plans, student):
    """Both follow Stripe's reference; any key one has and the other lacks is a mistake in one of them."""
    customer = local.customer_create(email=student.email, user_id=student.pk, idempotency_key="k")
    session = local.checkout_session_create(
        customer_id=customer["id"],
        line_item={},
        client_reference_id=str(student.pk),
        success_url="http://testserver/join/welcome/",
        cancel_url="http://testserver/join/cancelled/",
        metadata={"redink_user_id": str(student.pk), "redink_plan": "monthly"},
    )
    session = actions.checkout_pay(session_id=session["id"], user_id=student.pk)
    subscription = local.subscription_retrieve(subscription_id=session["subscription"])
    invoice = subscription["latest_invoice"]
    written = so.subscription(
        customer_id="c", status="active", start=1, period_start=1, period_end=2, latest_invoice=None
    )
    written_invoice = so.invoice(
        invoice_id="in_1", subscription_id="s", customer_id="c", status="paid", payment_intent="pi", created=1
    )
    written_session = so.checkout_session(customer_id="c", subscription_id="s", user_id=1)
    assert set(subscription) == set(written)
    assert set(subscription["items"]["data"][0]) == set(written["items"]["data"][0])
    assert set(invoice) == set(written_invoice)
    assert set(invoice["payments"]["data"][0]) == set(written_invoice["payments"]["data"][0])
    assert set(session) - {"line_items"} == set(written_session)
    stored_event = WebhookEvent.objects.get(type="invoice.paid").payload
    assert set(stored_event) == set(so.event("evt", "invoice.paid", written_invoice, created=1))
    assert "payments" not in stored_event["data"]["object"]
    assert store.object_get(customer["id"])["metadata"] == {"redink_user_id": str(student.pk)}
