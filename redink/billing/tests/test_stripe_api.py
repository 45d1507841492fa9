"""`stripe_api`, the one module that talks to Stripe: driven through the real stripe library with
an HTTP client that answers from fixtures, so the requests it would send are checked and
nothing reaches the network."""

from __future__ import annotations

import functools
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import stripe

from redink.billing import stripe_api

from . import stripe_objects as so

REAL_CLIENT = stripe_api._client  # before the autouse fixture swaps it for one that refuses


class RecordingHTTPClient(stripe.HTTPClient):
    """Stands in for the network: records each request, answers with a fixture."""

    name = "recording"

    def __init__(self, answers: dict[tuple[str, str], tuple[int, dict[str, Any]]]) -> None:
        super().__init__()
        self.answers = answers
        self.requests: list[dict[str, Any]] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):  # type: ignore[no-untyped-def,override]
        parts = urlsplit(url)
        self.requests.append(
            {
                "method": method,
                "path": parts.path,
                "query": parse_qs(unquote(parts.query)),
                "headers": dict(headers or {}),
                "form": parse_qs(post_data or ""),
            }
        )
        status, body = self.answers[(method.upper(), parts.path)]
        return json.dumps(body), status, {"request-id": "req_test"}

    def close(self) -> None:
        pass


@pytest.fixture
def stripe_http(monkeypatch, stripe_mode):  # type: ignore[no-untyped-def]
    def install(answers):  # type: ignore[no-untyped-def]
        recorder = RecordingHTTPClient(answers)
        monkeypatch.setattr(stripe_api, "_client", REAL_CLIENT)
        monkeypatch.setattr(stripe, "StripeClient", functools.partial(stripe.StripeClient, http_client=recorder))
        return recorder

    return install


def test_the_api_version_is_pinned_and_sent_with_every_request(stripe_http):
    now = int(time.time())
    sub = so.subscription(
        customer_id="cus_1", status="active", start=now, period_start=now, period_end=now + 1, latest_invoice=None
    )
    recorder = stripe_http({("GET", "/v1/subscriptions/sub_1MowQVLkdIwHu7ixeRlqHVzs"): (200, sub)})
    assert stripe_api.subscription_retrieve(subscription_id="sub_1MowQVLkdIwHu7ixeRlqHVzs") == sub
    (request,) = recorder.requests
    assert request["headers"]["Stripe-Version"] == stripe_api.API_VERSION == so.API_VERSION
    assert request["query"] == {"expand[0]": ["latest_invoice.payments"]}
    assert request["headers"]["Authorization"] == "Bearer sk_test_51Fake0000000000000000000000"


def test_customer_and_checkout_requests(stripe_http):
    session = so.checkout_session(customer_id="cus_1", subscription_id=None, user_id=7, status="open")
    recorder = stripe_http(
        {
            ("POST", "/v1/customers"): (200, so.customer("cus_1", user_id=7)),
            ("POST", "/v1/checkout/sessions"): (200, session),
            ("POST", "/v1/billing_portal/sessions"): (
                200,
                {"id": "bps_1", "object": "billing_portal.session", "url": "https://billing.stripe.com/p/session/x"},
            ),
        }
    )
    assert (
        stripe_api.customer_create(email="a@example.org", user_id=7, idempotency_key="redink-customer-test-7")["id"]
        == "cus_1"
    )
    created = stripe_api.checkout_session_create(
        customer_id="cus_1",
        line_item={"price": "price_1", "quantity": 1},
        client_reference_id="7",
        success_url="https://essays.example.org/join/welcome/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://essays.example.org/join/cancelled/",
        metadata={"redink_user_id": "7", "redink_plan": "monthly"},
    )
    assert created["url"] == session["url"]
    stripe_api.portal_session_create(customer_id="cus_1", return_url="https://essays.example.org/accounts/")
    customer, checkout, portal = recorder.requests
    assert customer["headers"]["Idempotency-Key"] == "redink-customer-test-7"
    assert customer["form"] == {"email": ["a@example.org"], "metadata[redink_user_id]": ["7"]}
    assert checkout["form"] == {
        "mode": ["subscription"],
        "customer": ["cus_1"],
        "client_reference_id": ["7"],
        "line_items[0][price]": ["price_1"],
        "line_items[0][quantity]": ["1"],
        "success_url": ["https://essays.example.org/join/welcome/?session_id={CHECKOUT_SESSION_ID}"],
        "cancel_url": ["https://essays.example.org/join/cancelled/"],
        "metadata[redink_user_id]": ["7"],
        "metadata[redink_plan]": ["monthly"],
        "subscription_data[metadata][redink_user_id]": ["7"],
        "subscription_data[metadata][redink_plan]": ["monthly"],
    }
    assert portal["form"] == {"customer": ["cus_1"], "return_url": ["https://essays.example.org/accounts/"]}


def test_listing_follows_every_page(stripe_http):
    def page(ids: list[str], more: bool) -> dict[str, Any]:
        data = [
            so.subscription(
                subscription_id=i,
                customer_id="c",
                status="active",
                start=1,
                period_start=1,
                period_end=2,
                latest_invoice=None,
            )
            for i in ids
        ]
        return {"object": "list", "data": data, "has_more": more, "url": "/v1/subscriptions"}

    recorder = stripe_http({("GET", "/v1/subscriptions"): (200, page(["sub_a", "sub_b"], True))})
    recorder.answers[("GET", "/v1/subscriptions")] = (200, page(["sub_a", "sub_b"], True))
    first = recorder.answers.copy()

    def answer(method, url, headers, post_data=None, *, _usage=None):  # type: ignore[no-untyped-def]
        recorder.answers = (
            first if "starting_after" not in url else {("GET", "/v1/subscriptions"): (200, page(["sub_c"], False))}
        )
        return RecordingHTTPClient.request(recorder, method, url, headers, post_data)

    recorder.request = answer  # type: ignore[method-assign]
    assert [s["id"] for s in stripe_api.subscriptions_list_live()] == ["sub_a", "sub_b", "sub_c"]


def test_stripe_errors_become_stripe_unavailable(stripe_http):
    error = {"error": {"type": "invalid_request_error", "message": "No such subscription: 'sub_x'"}}
    stripe_http({("GET", "/v1/subscriptions/sub_x"): (404, error)})
    with pytest.raises(stripe_api.StripeUnavailable, match="No such subscription"):
        stripe_api.subscription_retrieve(subscription_id="sub_x")


def test_signatures_are_computed_exactly_as_stripe_computes_them():
    payload = so.payload_of(so.event("evt_1", "invoice.paid", {"id": "in_1", "object": "invoice"}, created=1))
    header = stripe_api.webhook_signature(payload=payload, secret="whsec_abc", timestamp=1_700_000_000)
    assert header == so.signature_header(payload, "whsec_abc", 1_700_000_000)
    digest = stripe.WebhookSignature._compute_signature(f"1700000000.{payload.decode()}", "whsec_abc")
    assert header == f"t=1700000000,v1={digest}"


def test_construct_event_uses_the_stripe_library_and_its_tolerance():
    payload = so.payload_of(so.event("evt_1", "invoice.paid", {"id": "in_1", "object": "invoice"}, created=1))
    fresh = so.signature_header(payload, "whsec_abc")
    assert stripe_api.webhook_event_construct(payload=payload, signature=fresh, secret="whsec_abc")["id"] == "evt_1"
    stale = so.signature_header(payload, "whsec_abc", int(time.time()) - stripe_api.SIGNATURE_TOLERANCE_SECONDS - 5)
    with pytest.raises(stripe_api.WebhookRejected, match="signature"):
        stripe_api.webhook_event_construct(payload=payload, signature=stale, secret="whsec_abc")
    with pytest.raises(stripe_api.WebhookRejected):
        stripe_api.webhook_event_construct(payload=payload, signature=fresh, secret="")


def test_only_stripe_api_imports_stripe():
    root = Path(stripe_api.__file__).resolve().parents[1]
    importers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and re.search(r"^\s*(import stripe|from stripe\b)", path.read_text(), re.M)
    }
    assert importers == {"billing/stripe_api.py"}
