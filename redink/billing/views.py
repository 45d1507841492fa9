"""Pricing, Checkout, the Customer Portal and the Stripe webhook: each view parses its input and
calls one service or selector."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import csp, stripe_api
from .gateway import PaymentsUnavailable, billing_mode
from .models import Plan
from .selectors import membership_summary, plan_offers, pricing_from_line
from .services import AlreadySubscribed, NoBillingAccount, checkout_confirm, checkout_start, portal_start
from .webhooks import webhook_receive

logger = logging.getLogger(__name__)


def next_path(request: HttpRequest) -> str:
    """Where to take the reader after joining: a path on this site, or nowhere."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None):
        return candidate
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _mode_context() -> dict[str, object]:
    mode = billing_mode()
    return {"billing_mode": mode, "test_mode": mode == "test"}


@require_safe
@csp_update(csp.CHECKOUT_PAGE)
def pricing(request: HttpRequest) -> HttpResponse:
    offers = plan_offers()
    user = request.user
    context = {
        **_mode_context(),
        "offers": offers,
        "from_line": pricing_from_line(offers=offers),
        "next": next_path(request),
        "membership": membership_summary(user=user) if user.is_authenticated else None,
        "stripe_js": billing_mode() == "stripe" and bool(settings.STRIPE_PUBLISHABLE_KEY),
    }
    return render(request, "billing/pricing.html", context)


@require_POST
@login_required
def checkout(request: HttpRequest, plan: str) -> HttpResponse:
    chosen = get_object_or_404(Plan.objects.on_sale(), slug=plan)
    next_url = next_path(request)
    success = request.build_absolute_uri(reverse("billing:success")) + "?session_id={CHECKOUT_SESSION_ID}"
    if next_url:
        success += "&" + urlencode({"next": next_url})
    cancel = request.build_absolute_uri(_with_next(reverse("billing:cancelled"), next_url))
    try:
        url = checkout_start(user=request.user, plan=chosen, success_url=success, cancel_url=cancel)
    except AlreadySubscribed:
        messages.info(request, "You already have a membership: manage it from your account page.")
        return redirect("accounts:overview")
    except PaymentsUnavailable:
        messages.error(request, "Joining is not open on this site yet.")
        return redirect("billing:pricing")
    except stripe_api.StripeUnavailable:
        logger.exception("Checkout could not start")
        messages.error(request, "Payments are unavailable just now. Nothing was charged; please try again shortly.")
        return redirect(_with_next(reverse("billing:pricing"), next_url))
    return HttpResponseRedirect(url, status=303)


@require_safe
@login_required
def success(request: HttpRequest) -> HttpResponse:
    session_id = request.GET.get("session_id", "")
    if session_id and billing_mode() != "off":
        checkout_confirm(user=request.user, session_id=session_id)
    context = {**_mode_context(), "membership": membership_summary(user=request.user), "next": next_path(request)}
    return render(request, "billing/success.html", context)


@require_safe
def cancelled(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/cancelled.html", {**_mode_context(), "next": next_path(request)})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """ "Manage subscription": off to the Stripe Customer Portal, which comes back to the account page.
    Opened as an address (a bookmark, the browser's history), it is the account page, where the button is."""
    if request.method != "POST":
        return redirect("accounts:overview")
    try:
        url = portal_start(user=request.user, return_url=request.build_absolute_uri(reverse("accounts:overview")))
    except (NoBillingAccount, PaymentsUnavailable):
        messages.info(request, "There is no subscription to manage on this site.")
        return redirect("accounts:overview")
    except stripe_api.StripeUnavailable:
        logger.exception("The Customer Portal could not open")
        messages.error(request, "Subscription management is unavailable just now. Please try again shortly.")
        return redirect("accounts:overview")
    return HttpResponseRedirect(url, status=303)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check takes its place.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        payload = request.body
    except RequestDataTooBig:
        # Over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): no Stripe event is that large.
        logger.warning("Stripe webhook refused: the body is over the size limit")
        return HttpResponse("Too large.", status=413, content_type="text/plain")
    try:
        webhook_receive(payload=payload, signature=request.headers.get("Stripe-Signature", ""))
    except stripe_api.WebhookRejected as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("Refused.", content_type="text/plain")
    except Exception:
        logger.exception("Stripe webhook failed; Stripe will retry it")
        return HttpResponse("Failed; retry later.", status=500, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")
