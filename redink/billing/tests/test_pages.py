"""The pricing page, Checkout and the Customer Portal (Stripe faked at `stripe_api`), "Join now"
links, and the headers those pages send."""

from __future__ import annotations

import importlib
import re
import time

import pytest
from django.apps import apps

from redink.billing.models import BillingCustomer, Plan, Subscription
from redink.billing.selectors import plan_offers, pricing_from_line
from redink.testing.factories import make_essay

from . import stripe_objects as so

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


class TestPricingPage:
    def test_plans_come_from_the_database_with_the_computed_from_line(self, client, plans):
        body = client.get("/join/").content.decode()
        assert "Unlimited access from just £6.99 per month" in body
        assert "£6.99</span> per month" in body and "£59.99</span> per year" in body
        assert "That's £5.00 a month: save 28%." in body

    def test_staff_edits_change_the_page(self, client, plans):
        Plan.objects.filter(slug="monthly").update(amount=799)
        Plan.objects.create(slug="termly", name="Termly", interval="month", amount=550, is_active=False)
        body = client.get("/join/").content.decode()
        assert "Unlimited access from just £7.99 per month" in body
        assert "Termly" not in body

    def test_the_from_line_without_a_monthly_plan(self, plans):
        Plan.objects.filter(slug="monthly").update(is_active=False)
        assert pricing_from_line(offers=plan_offers()) == "Unlimited access from just £59.99 per year"
        Plan.objects.update(is_active=False)
        assert pricing_from_line(offers=plan_offers()) == ""

    def test_the_data_migration_creates_the_default_plans(self, plans):
        Plan.objects.all().delete()
        migration = importlib.import_module("redink.billing.migrations.0002_default_plans")
        migration.create_default_plans(apps, None)
        assert {(p.slug, p.interval, p.amount, p.currency) for p in Plan.objects.all()} == {
            ("monthly", "month", 699, "gbp"),
            ("yearly", "year", 5999, "gbp"),
        }

    def test_an_anonymous_visitor_gets_a_shareable_page_that_asks_them_to_sign_up(self, client, plans, fake_stripe):
        response = client.get("/join/?next=/essays/some-essay/")
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies
        body = response.content.decode()
        assert "Sign up to join monthly" in body and "csrfmiddlewaretoken" not in body

    def test_a_logged_in_student_gets_one_checkout_button_per_plan(self, client, plans, student, fake_stripe):
        client.force_login(student)
        body = client.get("/join/?next=/essays/some-essay/").content.decode()
        assert 'action="/join/monthly/checkout/"' in body and 'action="/join/yearly/checkout/"' in body
        assert 'name="next" value="/essays/some-essay/"' in body
        assert "Test mode" not in body

    def test_joining_is_closed_without_stripe_or_test_mode(self, client, plans, student):
        client.force_login(student)
        body = client.get("/join/").content.decode()
        assert "Joining is not open on this site yet" in body
        assert "/checkout/" not in body
        response = client.post("/join/monthly/checkout/")
        assert response.status_code == 302 and response["Location"] == "/join/"

    def test_stripe_js_and_stripe_origins_are_allowed_on_the_pricing_page_only(self, client, plans, fake_stripe, essay):
        join = client.get("/join/")
        assert '<script src="https://js.stripe.com/v3/" async></script>' in join.content.decode()
        policy = csp(join)
        assert "https://js.stripe.com" in policy["script-src"]
        assert "https://checkout.stripe.com" in policy["form-action"]
        assert "https://api.stripe.com" in policy["connect-src"]
        for path in ("/", essay.get_absolute_url(), "/accounts/login/", "/gcse/"):
            policy = csp(client.get(path))
            assert policy["script-src"] == ["'self'"], path
            assert policy["form-action"] == ["'self'"], path
            assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
            assert "stripe" not in str(policy)

    def test_every_join_now_link_leads_to_the_pricing_page(self, client, plans, section):
        lead = make_essay(
            section=section, preview_style="lead", text="\n\n".join(f"Part {n} starts. It ends." for n in range(30))
        )
        extracts = make_essay(
            section=section, preview_style="extracts", text="\n\n".join(f"Bit {n} starts. It ends." for n in range(30))
        )
        for essay in (lead, extracts):
            body = client.get(essay.get_absolute_url()).content.decode()
            assert "/accounts/signup/" not in body
            join_links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(?:Join now|\.\.\.read more\.)</a>', body)
            assert len(join_links) == (3 if essay is lead else 5)  # header, (CTA | 3 extracts), paywall
            assert set(join_links) == {"/join/", f"/join/?next={essay.get_absolute_url()}"}


class TestCheckout:
    def test_checkout_creates_a_customer_once_and_sends_the_student_to_stripe(
        self, client, plans, student, fake_stripe
    ):
        client.force_login(student)
        response = client.post("/join/monthly/checkout/", {"next": "/essays/an-essay/"})
        assert response.status_code == 303
        assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_Fake")
        (created,) = fake_stripe.calls_to("checkout_session_create")
        customer = BillingCustomer.objects.get(user=student)
        assert customer.mode == "test"
        assert created["customer_id"] == customer.stripe_id
        assert created["client_reference_id"] == str(student.pk)
        assert created["metadata"] == {"redink_user_id": str(student.pk), "redink_plan": "monthly"}
        assert created["line_item"]["price_data"]["unit_amount"] == 699
        assert created["line_item"]["price_data"]["recurring"] == {"interval": "month"}
        assert created["success_url"] == (
            "http://testserver/join/welcome/?session_id={CHECKOUT_SESSION_ID}&next=%2Fessays%2Fan-essay%2F"
        )
        assert created["cancel_url"] == "http://testserver/join/cancelled/?next=%2Fessays%2Fan-essay%2F"
        # A second attempt (back button) reuses the customer.
        client.post("/join/yearly/checkout/")
        assert len(fake_stripe.calls_to("customer_create")) == 1
        assert fake_stripe.calls_to("checkout_session_create")[1]["customer_id"] == customer.stripe_id

    def test_a_plan_with_a_stripe_price_id_uses_it(self, client, plans, student, fake_stripe):
        Plan.objects.filter(slug="yearly").update(stripe_price_id="price_1YearlyGBP")
        client.force_login(student)
        client.post("/join/yearly/checkout/")
        assert fake_stripe.calls_to("checkout_session_create")[0]["line_item"] == {
            "price": "price_1YearlyGBP",
            "quantity": 1,
        }

    def test_an_outside_next_address_is_dropped(self, client, plans, student, fake_stripe):
        client.force_login(student)
        client.post("/join/monthly/checkout/", {"next": "https://evil.example/"})
        assert "next" not in fake_stripe.calls_to("checkout_session_create")[0]["success_url"]

    def test_a_member_with_a_live_subscription_is_not_charged_twice(self, client, plans, student, fake_stripe):
        Subscription.objects.create(stripe_id="sub_1Live", mode="test", user=student, status="active")
        client.force_login(student)
        response = client.post("/join/monthly/checkout/")
        assert response.status_code == 302 and response["Location"] == "/accounts/"
        assert not fake_stripe.calls_to("checkout_session_create")

    def test_stripe_being_down_gives_a_message_not_an_error(self, client, plans, student, fake_stripe):
        fake_stripe.down = True
        client.force_login(student)
        response = client.post("/join/monthly/checkout/", follow=True)
        assert "Payments are unavailable just now" in response.content.decode()

    def test_unknown_or_withdrawn_plans_are_not_found(self, client, plans, student, fake_stripe):
        Plan.objects.filter(slug="yearly").update(is_active=False)
        client.force_login(student)
        assert client.post("/join/yearly/checkout/").status_code == 404
        assert client.post("/join/lifetime/checkout/").status_code == 404

    def test_visitors_must_log_in_first(self, client, plans, fake_stripe):
        response = client.post("/join/monthly/checkout/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_the_success_page_brings_access_in_step_at_once(self, client, plans, student, fake_stripe):
        now = int(time.time())
        client.force_login(student)
        client.post("/join/monthly/checkout/")
        session_id = next(iter(fake_stripe.sessions))
        customer_id = BillingCustomer.objects.get(user=student).stripe_id
        # Stripe has completed the Checkout; its webhook has not arrived yet.
        fake_stripe.sessions[session_id].update(status="complete", subscription="sub_1Paid")
        fake_stripe.subscriptions["sub_1Paid"] = so.subscription(
            subscription_id="sub_1Paid",
            customer_id=customer_id,
            status="active",
            start=now,
            period_start=now,
            period_end=now + 30 * so.DAY,
            latest_invoice=None,
        )
        body = client.get(f"/join/welcome/?session_id={session_id}&next=/essays/x/").content.decode()
        assert "Welcome: you are a member" in body
        assert 'href="/essays/x/">Continue reading' in body

    def test_the_success_page_of_someone_elses_session_changes_nothing(self, client, plans, student, fake_stripe):
        fake_stripe.sessions["cs_test_Other"] = {
            "id": "cs_test_Other",
            "client_reference_id": "999999",
            "status": "complete",
        }
        client.force_login(student)
        body = client.get("/join/welcome/?session_id=cs_test_Other").content.decode()
        assert "we are confirming your payment" in body
        assert not fake_stripe.calls_to("subscription_retrieve")

    def test_the_cancel_page(self, client, plans):
        body = client.get("/join/cancelled/?next=/essays/x/").content.decode()
        assert "nothing was charged" in body and 'href="/essays/x/"' in body


class TestAccountPage:
    def _subscribe(self, student, fake_stripe, **fields):  # type: ignore[no-untyped-def]
        from redink.billing.sync import subscription_refresh

        now = int(time.time())
        BillingCustomer.objects.create(user=student, mode="test", stripe_id="cus_1Acct")
        fake_stripe.subscriptions["sub_1Acct"] = so.subscription(
            subscription_id="sub_1Acct",
            customer_id="cus_1Acct",
            start=now - so.DAY,
            period_start=now - so.DAY,
            period_end=now + 29 * so.DAY,
            latest_invoice=None,
            **{"status": "active", **fields},
        )
        subscription_refresh(subscription_id="sub_1Acct")

    def test_shows_plan_renewal_and_manage_button(self, client, plans, student, fake_stripe):
        self._subscribe(student, fake_stripe)
        client.force_login(student)
        response = client.get("/accounts/")
        body = response.content.decode()
        assert "<strong>Monthly</strong>, £6.99 per month. Renews on" in body
        assert 'action="/join/manage/"' in body and "Manage subscription" in body
        assert "https://billing.stripe.com" in csp(response)["form-action"]

    def test_shows_the_end_date_after_cancelling(self, client, plans, student, fake_stripe):
        self._subscribe(student, fake_stripe, cancel_at_period_end=True, canceled_at=int(time.time()))
        client.force_login(student)
        body = client.get("/accounts/").content.decode()
        assert "cancelled. You keep full access until" in body

    def test_manage_opens_the_customer_portal(self, client, plans, student, fake_stripe):
        self._subscribe(student, fake_stripe)
        client.force_login(student)
        response = client.post("/join/manage/")
        assert response.status_code == 303 and response["Location"] == "https://billing.stripe.com/p/session/test_Fake"
        assert fake_stripe.calls_to("portal_session_create") == [
            {"customer_id": "cus_1Acct", "return_url": "http://testserver/accounts/"}
        ]

    def test_a_student_without_a_subscription_is_offered_to_join(self, client, plans, student, fake_stripe):
        client.force_login(student)
        body = client.get("/accounts/").content.decode()
        assert "You are not a paying member." in body and 'href="/join/"' in body
        assert "Manage subscription" not in body
        assert client.post("/join/manage/").status_code == 302

    def test_other_entitlements_are_listed(self, client, member):
        client.force_login(member)
        body = client.get("/accounts/").content.decode()
        assert "Full access until" in body and "(granted by staff)" in body
        assert "You are not a paying member." not in body

    def test_the_account_page_needs_a_login(self, client):
        response = client.get("/accounts/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
