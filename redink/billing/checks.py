"""System checks: payments that would silently never grant access, or give it away."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register("billing")
def billing_settings_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            Error(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: no webhook could be verified, "
                "so nobody who pays would get access.",
                hint="Create the webhook endpoint in Stripe (/join/stripe/webhook/) and set its signing secret.",
                id="billing.E001",
            )
        )
    if not settings.STRIPE_SECRET_KEY and not settings.DEBUG and settings.REDINK_ALLOW_TEST_CHECKOUT:
        problems.append(
            Warning(
                "The test-mode checkout is on in production (REDINK_ALLOW_TEST_CHECKOUT): "
                "anyone can become a member without paying.",
                hint="Set STRIPE_SECRET_KEY, or unset REDINK_ALLOW_TEST_CHECKOUT outside a demo.",
                id="billing.W001",
            )
        )
    return problems
