from __future__ import annotations

import pytest

from redink.billing import stripe_api
from redink.billing.models import Plan

from .fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"


@pytest.fixture(autouse=True)
def _no_network_to_stripe(monkeypatch):  # type: ignore[no-untyped-def]
    """Any call that would reach Stripe fails the test instead."""

    def refuse() -> None:
        raise AssertionError("a test tried to reach Stripe over the network")

    monkeypatch.setattr(stripe_api, "_client", refuse)


@pytest.fixture
def plans(db):  # type: ignore[no-untyped-def]
    """The default plans (transactional tests flush what the data migration made)."""
    monthly, _ = Plan.objects.get_or_create(
        slug="monthly", defaults={"name": "Monthly", "interval": "month", "amount": 699, "position": 1}
    )
    yearly, _ = Plan.objects.get_or_create(
        slug="yearly", defaults={"name": "Yearly", "interval": "year", "amount": 5999, "position": 2}
    )
    return {"monthly": monthly, "yearly": yearly}


@pytest.fixture
def stripe_mode(settings):  # type: ignore[no-untyped-def]
    settings.STRIPE_SECRET_KEY = "sk_test_51Fake0000000000000000000000"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_51Fake0000000000000000000000"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def fake_stripe(stripe_mode, monkeypatch) -> FakeStripe:  # type: ignore[no-untyped-def]
    return FakeStripe().install(monkeypatch)


@pytest.fixture
def test_mode(settings):  # type: ignore[no-untyped-def]
    """The test-mode checkout, as in production with REDINK_ALLOW_TEST_CHECKOUT=1 (tests run with DEBUG off)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.REDINK_ALLOW_TEST_CHECKOUT = True
    return settings
