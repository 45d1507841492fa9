"""A stand-in for Stripe at the boundary of `stripe_api`: the functions the gateway offers,
answering from objects the test puts in (`stripe_objects`). No network."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from redink.billing import stripe_api

GATEWAY_FUNCTIONS = (
    "customer_create",
    "checkout_session_create",
    "checkout_session_retrieve",
    "portal_session_create",
    "subscription_retrieve",
    "subscriptions_list_live",
)


@dataclass
class FakeStripe:
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    down: bool = False

    def _call(self, name: str, **kwargs: Any) -> None:
        self.calls.append((name, kwargs))
        if self.down:
            raise stripe_api.StripeUnavailable("APIConnectionError: could not reach Stripe")

    def calls_to(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for called, kwargs in self.calls if called == name]

    def customer_create(self, *, email: str, user_id: int, idempotency_key: str) -> dict[str, Any]:
        self._call("customer_create", email=email, user_id=user_id, idempotency_key=idempotency_key)
        customer_id = f"cus_Fake{len(self.customers) + 1:04d}"
        self.customers[customer_id] = {"id": customer_id, "object": "customer", "email": email}
        return copy.deepcopy(self.customers[customer_id])

    def checkout_session_create(self, **kwargs: Any) -> dict[str, Any]:
        self._call("checkout_session_create", **kwargs)
        session_id = f"cs_test_Fake{len(self.sessions) + 1:04d}"
        self.sessions[session_id] = {
            "id": session_id,
            "object": "checkout.session",
            "client_reference_id": kwargs["client_reference_id"],
            "customer": kwargs["customer_id"],
            "mode": "subscription",
            "status": "open",
            "subscription": None,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        return copy.deepcopy(self.sessions[session_id])

    def checkout_session_retrieve(self, *, session_id: str) -> dict[str, Any]:
        self._call("checkout_session_retrieve", session_id=session_id)
        if session_id not in self.sessions:
            raise stripe_api.StripeUnavailable(f"InvalidRequestError: No such checkout.session: '{session_id}'")
        return copy.deepcopy(self.sessions[session_id])

    def portal_session_create(self, *, customer_id: str, return_url: str) -> dict[str, Any]:
        self._call("portal_session_create", customer_id=customer_id, return_url=return_url)
        return {
            "id": "bps_Fake0001",
            "object": "billing_portal.session",
            "url": "https://billing.stripe.com/p/session/test_Fake",
        }

    def subscription_retrieve(self, *, subscription_id: str) -> dict[str, Any]:
        self._call("subscription_retrieve", subscription_id=subscription_id)
        if subscription_id not in self.subscriptions:
            raise stripe_api.StripeUnavailable(f"InvalidRequestError: No such subscription: '{subscription_id}'")
        return copy.deepcopy(self.subscriptions[subscription_id])

    def subscriptions_list_live(self) -> list[dict[str, Any]]:
        self._call("subscriptions_list_live")
        return [copy.deepcopy(s) for s in self.subscriptions.values() if s["status"] != "canceled"]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeStripe:
        for name in GATEWAY_FUNCTIONS:
            monkeypatch.setattr(stripe_api, name, getattr(self, name))
        return self
