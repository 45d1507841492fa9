"""Login limits: failures are counted per (account, address) pair and per address, never per
account alone, so nobody can lock an account for everyone by failing to log in to it.

- An account is paused from one address after REDINK_LOGIN_FAILURES_PER_ACCOUNT failures from
  that address in the window; from anywhere else its owner still logs in.
- An address is paused after REDINK_LOGIN_FAILURES_PER_ADDRESS failures in the window, for any
  accounts; the figure is generous, as a school's pupils share one address.
- A correct password from an address under both limits always logs in, and clears that pair's
  count. A completed password reset lifts every pause on the account.

The guard wraps the two login forms (allauth's and the admin's). Both answer a failed attempt
by showing the form again and a good one with a redirect, so that is how an attempt's outcome
is read: whatever authentication backends or flows sit behind them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redink.core.clients import client_key
from redink.core.ratelimit import Rate, Verdict, limit_check, limit_consume, limit_reset, wait_phrase


def login_name(request: HttpRequest) -> str:
    """The e-mail address a login form was sent with, case-folded ("Ann@x" and "ann@x" are one account)."""
    value = request.POST.get("login") or request.POST.get("username") or request.POST.get("email") or ""
    return str(value).strip().lower()


def _pair_rate() -> Rate:
    return Rate(settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT, settings.REDINK_LOGIN_WINDOW_SECONDS)


def _address_rate() -> Rate:
    return Rate(settings.REDINK_LOGIN_FAILURES_PER_ADDRESS, settings.REDINK_LOGIN_WINDOW_SECONDS)


def _generation_key(email: str) -> str:
    return "login-generation:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _pair(email: str, address: str) -> str:
    """The pair's name in the counts; it changes when the account's pauses are lifted."""
    generation = cache.get(_generation_key(email)) or ""
    return f"{email}\0{address}\0{generation}"


def login_refusal(*, email: str, address: str) -> tuple[str, Verdict] | None:
    """Why a login attempt is refused before its password is even checked, or None."""
    try:
        pair = _pair(email, address)
    except Exception:
        return None  # the cache is down: limits fail open (redink.core.ratelimit)
    by_pair = limit_check(scope="login-pair", ident=pair, rate=_pair_rate())
    if not by_pair.allowed:
        return "account", by_pair
    by_address = limit_check(scope="login-address", ident=address, rate=_address_rate())
    if not by_address.allowed:
        return "address", by_address
    return None


def login_failure_record(*, email: str, address: str) -> None:
    try:
        pair = _pair(email, address)
    except Exception:
        return
    limit_consume(scope="login-pair", ident=pair, rate=_pair_rate())
    limit_consume(scope="login-address", ident=address, rate=_address_rate())


def login_success_record(*, email: str, address: str) -> None:
    try:
        pair = _pair(email, address)
    except Exception:
        return
    limit_reset(scope="login-pair", ident=pair, rate=_pair_rate())


def login_pauses_lift(*, email: str) -> None:
    """After a password reset: every (account, address) count of the account starts again."""
    try:
        cache.set(_generation_key(email.strip().lower()), secrets.token_hex(8), timeout=None)
    except Exception:
        return


def login_guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        email, address = login_name(request), client_key(request)
        refused = login_refusal(email=email, address=address)
        if refused is not None:
            reason, verdict = refused
            response = render(
                request,
                "account/lockout.html",
                {"reason": reason, "wait": wait_phrase(verdict.retry_after)},
                status=429,
            )
            response["Retry-After"] = str(verdict.retry_after)
            return response
        response = view(request, *args, **kwargs)
        if 300 <= response.status_code < 400:
            login_success_record(email=email, address=address)
        elif email:
            login_failure_record(email=email, address=address)
        return response

    return guarded
