"""The test-mode checkout's pages: a Checkout page and a Customer Portal, both clearly labelled,
standing in for Stripe's hosted pages. Each button calls one action in `actions`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from redink.accounts.models import User

from ..models import BillingCustomer, Mode
from ..money import money_format
from . import actions
from .store import NoSuchObject, object_get


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here requires a login)."""
    return cast(User, request.user)


def _local_redirect(request: HttpRequest, url: str) -> HttpResponse:
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        raise Http404("Not a page of this site")
    return HttpResponseRedirect(url, status=303)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def checkout_page(request: HttpRequest, session_id: str) -> HttpResponse:
    try:
        session = actions.checkout_session_for(session_id=session_id, user_id=_user(request).pk)
        if request.method == "POST" and request.POST.get("action") == "pay":
            session = actions.checkout_pay(session_id=session_id, user_id=_user(request).pk)
            return _local_redirect(request, session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))
        if request.method == "POST":
            session = actions.checkout_abandon(session_id=session_id, user_id=_user(request).pk)
            return _local_redirect(request, session["cancel_url"])
    except (actions.TestModeOff, actions.NotYours, NoSuchObject) as exc:
        raise Http404("No such checkout") from exc
    price = session["line_items"]["data"][0]["price"]
    context = {
        "session": session,
        "price": price,
        "price_text": money_format(amount=price["unit_amount"], currency=price["currency"]),
        "test_mode": True,
    }
    return render(request, "billing/test_checkout.html", context)


PORTAL_ACTIONS: dict[str, Callable[..., None]] = {
    "cancel": actions.subscription_cancel_at_period_end,
    "resume": actions.subscription_resume,
    "cancel-now": actions.subscription_cancel_now,
    "fail-renewal": actions.subscription_renewal_fails,
    "pay-invoice": actions.subscription_invoice_pay,
}
PORTAL_MESSAGES = {
    "cancel": "Your subscription is cancelled. You keep full access until the end of the period you paid for.",
    "resume": "Your subscription will renew as before.",
    "cancel-now": "Your subscription has ended.",
    "refund": "The last payment was refunded and the subscription has ended.",
    "fail-renewal": "Simulated: the renewal payment failed.",
    "pay-invoice": "Simulated: the failed payment went through.",
}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def portal_page(request: HttpRequest, portal_id: str) -> HttpResponse:
    customer = BillingCustomer.objects.filter(user=_user(request), mode=Mode.LOCAL).first()
    if customer is None:
        raise Http404("No subscription to manage")
    try:
        subscriptions = actions.portal_subscriptions(portal_id=portal_id, customer_id=customer.stripe_id)
        if request.method == "POST":
            action = request.POST.get("action", "")
            wanted = request.POST.get("subscription", "")
            if action not in PORTAL_MESSAGES or wanted not in {s["id"] for s in subscriptions}:
                raise Http404("No such action")
            if action == "refund":
                actions.subscription_cancel_now(subscription_id=wanted, customer_id=customer.stripe_id, refund=True)
            else:
                PORTAL_ACTIONS[action](subscription_id=wanted, customer_id=customer.stripe_id)
            messages.success(request, PORTAL_MESSAGES[action])
            return redirect("billing:test-portal", portal_id=portal_id)
        portal = object_get(portal_id)
    except (actions.TestModeOff, actions.NotYours, NoSuchObject) as exc:
        raise Http404("No such portal session") from exc
    context = {"portal": portal, "subscriptions": [_describe(s) for s in subscriptions], "test_mode": True}
    return render(request, "billing/test_portal.html", context)


def _describe(subscription: dict[str, Any]) -> dict[str, Any]:
    item = subscription["items"]["data"][0]
    price = item["price"]
    return {
        "id": subscription["id"],
        "status": subscription["status"],
        "cancel_at_period_end": subscription["cancel_at_period_end"],
        "price": money_format(amount=price["unit_amount"], currency=price["currency"]),
        "interval": price["recurring"]["interval"],
        "period_end": datetime.fromtimestamp(item["current_period_end"], tz=UTC),
        "ended_at": datetime.fromtimestamp(subscription["ended_at"], tz=UTC) if subscription["ended_at"] else None,
    }
