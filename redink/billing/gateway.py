"""Which payment backend serves this site: Stripe, the test-mode checkout, or none.

- Stripe when `STRIPE_SECRET_KEY` is set.
- Otherwise the test-mode checkout, but only in demo mode (`DEBUG`) or when
  `REDINK_ALLOW_TEST_CHECKOUT` says so explicitly: it lets anyone become a member without paying.
- Otherwise none: the pricing page shows the plans and says joining is not open yet.

Both backends offer the same functions (`Gateway`), so checkout, the portal, the webhook
handler and reconciliation run the same code whichever is in use.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Literal, Protocol

from django.conf import settings

from . import stripe_api
from .models import Mode

BillingMode = Literal["stripe", "test", "off"]


class PaymentsUnavailable(Exception):
    """Neither Stripe nor the test-mode checkout is enabled."""


class Gateway(Protocol):
    def customer_create(self, *, email: str, user_id: int, idempotency_key: str) -> dict[str, Any]: ...

    def checkout_session_create(
        self,
        *,
        customer_id: str,
        line_item: dict[str, Any],
        client_reference_id: str,
        success_url: str,
        cancel_url: str,
        metadata: dict[str, str],
    ) -> dict[str, Any]: ...

    def checkout_session_retrieve(self, *, session_id: str) -> dict[str, Any]: ...

    def portal_session_create(self, *, customer_id: str, return_url: str) -> dict[str, Any]: ...

    def subscription_retrieve(self, *, subscription_id: str) -> dict[str, Any]: ...

    def subscriptions_list_live(self) -> list[dict[str, Any]]: ...

    def subscription_cancel(self, *, subscription_id: str) -> dict[str, Any]: ...


def billing_mode() -> BillingMode:
    if settings.STRIPE_SECRET_KEY:
        return "stripe"
    if settings.DEBUG or settings.REDINK_ALLOW_TEST_CHECKOUT:
        return "test"
    return "off"


def is_test_mode() -> bool:
    return billing_mode() == "test"


def current_mode() -> Mode:
    """Where customers and subscriptions made now live."""
    mode = billing_mode()
    if mode == "test":
        return Mode.LOCAL
    if mode == "stripe":
        return Mode.LIVE if stripe_api.key_mode(settings.STRIPE_SECRET_KEY) == "live" else Mode.TEST
    raise PaymentsUnavailable("payments are not set up on this site")


def gateway() -> Gateway:
    mode = billing_mode()
    if mode == "stripe":
        return stripe_api
    if mode == "test":
        from .testmode import gateway as local

        return local
    raise PaymentsUnavailable("payments are not set up on this site")


def local_webhook_secret() -> str:
    """The secret the test-mode checkout signs its events with: derived from SECRET_KEY, never stored."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"redink test-mode checkout webhooks", hashlib.sha256)
    return "whsec_local_" + digest.hexdigest()[:40]


def webhook_secret() -> str:
    """The secret incoming webhook requests must be signed with, or "" when none may arrive."""
    mode = billing_mode()
    if mode == "stripe":
        return str(settings.STRIPE_WEBHOOK_SECRET)
    if mode == "test":
        return local_webhook_secret()
    return ""
