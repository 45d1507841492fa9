"""Redink's one rate-limit mechanism: fixed-window counts kept in Django's cache.

    limit_consume(scope=..., ident=..., rate=...) -> Verdict     count one use, and say if it may go on
    limit_check(...)                                             the same without counting
    limit_reset(scope=..., ident=...)                            forget the current window's count
    @rate_limited("search", setting="REDINK_SEARCHES_PER_MINUTE")   a whole view, per client address

The counts live in the shared cache: Redis in production, the database cache in the
one-command install, never a process's own memory, so every web process sees one count. The
database cache's increment is a read and a write; it runs in a transaction that holds the
write lock (SQLite's IMMEDIATE transactions, an advisory lock on PostgreSQL), so two processes
never both read the same count. Redis increments atomically by itself.

If the cache cannot be reached, a limit lets the request through and logs it: a rate limit
is a guard against abuse, and a page must never fail because the guard is down.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .clients import client_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    def describe(self, things: str) -> str:
        """ "10 uploads an hour"."""
        units = {60: "a minute", 3600: "an hour", 86400: "a day"}
        return f"{self.limit} {things} {units.get(self.seconds, f'in {self.seconds} seconds')}"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    used: int = 0
    # Seconds until the window ends and the count starts again.
    retry_after: int = 0


def limit_consume(*, scope: str, ident: str, rate: Rate) -> Verdict:
    """Count one use of `scope` by `ident`; not allowed once past `rate.limit` in the window."""
    key, remaining = _window_key(scope, ident, rate)
    try:
        with _serialised(key):
            # The window's count usually exists already: increment first, which on the database
            # cache is a read and a write, and create it only when it is missing.
            try:
                used = cache.incr(key)
            except ValueError:
                # add fails when another process made it meanwhile (Redis, where nothing is serialised)
                used = 1 if cache.add(key, 1, timeout=remaining + 1) else cache.incr(key)
    except Exception:
        logger.warning("Rate limit %r not counted: the cache is unreachable", scope, exc_info=True)
        return Verdict(allowed=True)
    return Verdict(allowed=used <= rate.limit, used=used, retry_after=remaining)


def limit_check(*, scope: str, ident: str, rate: Rate) -> Verdict:
    """Whether `ident` is still under `rate` for `scope`, without counting a use."""
    key, remaining = _window_key(scope, ident, rate)
    try:
        used = int(cache.get(key) or 0)
    except Exception:
        logger.warning("Rate limit %r not read: the cache is unreachable", scope, exc_info=True)
        return Verdict(allowed=True)
    return Verdict(allowed=used < rate.limit, used=used, retry_after=remaining)


def limit_reset(*, scope: str, ident: str, rate: Rate) -> None:
    key, _ = _window_key(scope, ident, rate)
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Rate limit %r not reset: the cache is unreachable", scope, exc_info=True)


def rate_limited(
    scope: str,
    *,
    setting: str,
    seconds: int = 60,
    methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
    ident: Callable[[HttpRequest], str] = client_key,
    as_json: bool = False,
    message: str = "",
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a view to `settings.<setting>` requests per `seconds` from one client address
    (or whatever `ident` names), answering 429 past it. The limit is read from the settings at
    each request, so an operator's or a test's change takes effect at once."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                rate = Rate(int(getattr(settings, setting)), seconds)
                verdict = limit_consume(scope=scope, ident=ident(request), rate=rate)
                if not verdict.allowed:
                    return too_many_requests(request, verdict=verdict, as_json=as_json, message=message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(
    request: HttpRequest, *, verdict: Verdict, as_json: bool = False, message: str = ""
) -> HttpResponse:
    """429 with `Retry-After`, and a page (or JSON) that says what happened and when to try again."""
    wait = wait_phrase(verdict.retry_after)
    what = message or "You have sent a lot of requests in a short time."
    if as_json:
        text = f"{what} Please try again in {wait}."
        response: HttpResponse = JsonResponse({"error": text, "retry_after": verdict.retry_after}, status=429)
    else:
        response = render(request, "429.html", {"message": what, "wait": wait}, status=429)
    response["Retry-After"] = str(max(1, verdict.retry_after))
    return response


def wait_phrase(seconds: int) -> str:
    if seconds < 60:
        return "a few seconds" if seconds <= 5 else f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def _window_key(scope: str, ident: str, rate: Rate) -> tuple[str, int]:
    """The cache key of the current window, and the seconds left in it. The client's address
    or e-mail is hashed: cache keys are not a place to keep them."""
    now = time.time()
    window = int(now // rate.seconds)
    remaining = max(1, int((window + 1) * rate.seconds - now))
    digest = hashlib.sha256(f"{scope}\0{ident}".encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{rate.seconds}:{window}", remaining


def _serialised(key: str) -> Any:
    """The database cache's read-then-write under a lock; nothing for a cache that increments atomically."""
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        return nullcontext()
    return _database_lock(key, alias=router.db_for_write(backend.cache_model_class))


@contextmanager
def _database_lock(key: str, *, alias: str) -> Iterator[None]:
    with transaction.atomic(using=alias):
        connection = connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
        # SQLite: Redink's transactions BEGIN IMMEDIATE (settings.py), taking the write lock at once.
        yield
