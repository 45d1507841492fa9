"""Staff edit plans in the admin; subscriptions and events are read-only there, and a failed
event can be handled again."""

from __future__ import annotations

import time

import pytest

from redink.billing.models import Plan, WebhookEvent
from redink.billing.webhooks import webhook_event_store

from . import stripe_objects as so

pytestmark = pytest.mark.django_db


def test_staff_edit_a_plans_price(client, staff, plans):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    url = f"/admin/billing/plan/{plans['monthly'].pk}/change/"
    assert client.get("/admin/billing/plan/").status_code == 200
    form = {
        "name": "Monthly",
        "slug": "monthly",
        "interval": "month",
        "amount": "749",
        "currency": "gbp",
        "stripe_price_id": "price_1NewMonthly",
        "is_active": "on",
        "position": "1",
    }
    assert client.post(url, form).status_code == 302
    assert Plan.objects.get(slug="monthly").amount == 749
    assert "Unlimited access from just £7.49 per month" in client.get("/join/").content.decode()


def test_events_and_subscriptions_are_read_only_and_failed_events_can_be_handled_again(client, staff, fake_stripe):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    evt = so.event("evt_1Stuck", "customer.updated", so.customer(), created=int(time.time()))
    stored = webhook_event_store(event=evt)
    WebhookEvent.objects.filter(pk=stored.pk).update(status=WebhookEvent.Status.FAILED)
    assert client.get("/admin/billing/webhookevent/").status_code == 200
    assert client.get("/admin/billing/subscription/").status_code == 200
    assert client.get("/admin/billing/webhookevent/add/").status_code == 403
    response = client.post(
        "/admin/billing/webhookevent/", {"action": "process_again", "_selected_action": [stored.pk]}, follow=True
    )
    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
