"""`reconcile_subscriptions` repairs entitlements that drifted from Stripe, and catches subscriptions
whose webhooks never arrived."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from redink.access.models import Entitlement
from redink.billing.models import BillingCustomer, Subscription
from redink.billing.sync import subscription_refresh
from redink.billing.tasks import reconcile_subscriptions

from . import stripe_objects as so

pytestmark = pytest.mark.django_db


@pytest.fixture
def paying(fake_stripe, plans, student):  # type: ignore[no-untyped-def]
    now = int(time.time())
    BillingCustomer.objects.create(user=student, mode="test", stripe_id="cus_1Rec")
    fake_stripe.subscriptions["sub_1Rec"] = so.subscription(
        subscription_id="sub_1Rec",
        customer_id="cus_1Rec",
        status="active",
        start=now - so.DAY,
        period_start=now - so.DAY,
        period_end=now + 29 * so.DAY,
        latest_invoice=None,
        user_id=student.pk,
    )
    return {"user": student, "stripe": fake_stripe, "now": now}


def run(*args: str) -> str:
    out = StringIO()
    call_command("reconcile_subscriptions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_subscription_whose_webhooks_never_arrived_gets_its_access(paying):
    assert "Checked 1 subscriptions: 0 repaired" in run()
    entitlement = Entitlement.objects.get(user=paying["user"])
    assert entitlement.ends_at.timestamp() == paying["now"] + 29 * so.DAY


def test_drifted_entitlements_are_repaired(paying):
    subscription_refresh(subscription_id="sub_1Rec")
    entitlement = Entitlement.objects.get()
    Entitlement.objects.filter(pk=entitlement.pk).update(ends_at=entitlement.ends_at + timedelta(days=400))
    assert "repaired sub_1Rec" in run()
    entitlement.refresh_from_db()
    assert entitlement.ends_at.timestamp() == paying["now"] + 29 * so.DAY


def test_a_cancellation_made_in_stripes_dashboard_is_picked_up(paying):
    subscription_refresh(subscription_id="sub_1Rec")
    paying["stripe"].subscriptions["sub_1Rec"].update(status="canceled", ended_at=paying["now"] - 1)
    output = run()
    assert "repaired sub_1Rec" in output and "1 repaired" in output
    assert not Entitlement.objects.active().exists()
    assert Subscription.objects.get().status == "canceled"
    # Ended and without access: no longer re-read.
    paying["stripe"].calls.clear()
    run()
    assert not paying["stripe"].calls_to("subscription_retrieve")


def test_subscriptions_of_other_stripe_customers_are_left_alone(paying):
    paying["stripe"].subscriptions["sub_1Foreign"] = so.subscription(
        subscription_id="sub_1Foreign",
        customer_id="cus_1Foreign",
        status="active",
        start=1,
        period_start=1,
        period_end=2,
        latest_invoice=None,
    )
    paying["stripe"].subscriptions["sub_1Foreign"]["metadata"] = {}
    run()
    assert not Subscription.objects.filter(stripe_id="sub_1Foreign").exists()


def test_stripe_being_unreachable_fails_the_command(paying):
    paying["stripe"].down = True
    with pytest.raises(CommandError):
        run()


def test_it_refuses_when_payments_are_off(db):
    with pytest.raises(CommandError, match="not set up"):
        run()


def test_the_periodic_task_runs_the_same(paying):
    result = reconcile_subscriptions.enqueue()
    assert result.return_value == {"checked": 1, "repaired": 0, "failed": 0}
    assert Entitlement.objects.filter(user=paying["user"]).exists()
