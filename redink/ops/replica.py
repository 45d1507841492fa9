"""Which requests may read from the PostgreSQL read replica, and read-your-writes.

A replica runs a little behind the primary. That is harmless for what visitors browse, which
nginx already serves up to REDINK_SHARED_CACHE_SECONDS old, and wrong for anyone who has just
changed something: a member who saved a review, a moderator who published an essay, or a
visitor who filed a takedown request must see their own change on the next page. So reads go
to the replica only for a visitor's GET or HEAD of a browsing page (the essay page, the home
page and listings, search, an author's page, the site maps), and only when the request carries
no session cookie (nobody is signed in) and no pin.

The pin: any request with an unsafe method (POST, PUT, PATCH, DELETE) sets a short-lived,
signed `redink_pin` cookie, and for REDINK_REPLICA_PIN_SECONDS (longer than the replica's lag)
every request from that browser reads from the primary. The reading beacon does not pin: it
only adds to a count nobody waits to see. A response that sets the pin is never cached (it sets
a cookie, so redink.core.middleware makes it private); nginx and a CDN should also pass a
pinned request to Django rather than answer it from their cache (docs/deploy.md).

If the replica cannot be reached, visitors read from the primary (for REPLICA_RETRY_SECONDS,
then the replica is tried again) and the log says so: a replica that is down moves visitors to
the primary instead of failing their pages.

The choice lives in a context variable for the length of the request, which the database
router (redink.ops.routers) reads; tasks, management commands and the shell never set it, so
they always use the primary.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 5.0
PIN_COOKIE = "redink_pin"
_PIN_SALT = "redink.ops.replica.pin"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# The pages a visitor browses, by URL name: the only ones that read from the replica.
REPLICA_VIEWS = frozenset(
    {
        "catalogue:home",
        "catalogue:essay",
        "catalogue:level",
        "catalogue:subject",
        "catalogue:section",
        "search:results",
        "search:suggest",
        "authors:page",
        "sitemap",
        "site-map",
    }
)
# Posts that change nothing the poster will look for straight after.
UNPINNED_VIEWS = frozenset({"catalogue:essay-read"})

_replica_reads: ContextVar[bool] = ContextVar("redink_replica_reads", default=False)


def replica_reads_allowed() -> bool:
    """True while the current request may read from the replica."""
    return _replica_reads.get()


class _Outage:
    """When this process last failed to reach the replica (monotonic clock)."""

    until = 0.0


def replica_reachable() -> bool:
    """Whether the replica answers, trying it at most once every REPLICA_RETRY_SECONDS after a failure."""
    if time.monotonic() < _Outage.until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        _Outage.until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning(
            "The read replica is unreachable: visitors read from the primary for %s seconds",
            REPLICA_RETRY_SECONDS,
            exc_info=True,
        )
        return False
    return True


def replica_outage_forget() -> None:
    _Outage.until = 0.0


def is_pinned(request: HttpRequest) -> bool:
    """True within REDINK_REPLICA_PIN_SECONDS of this browser's last write. The cookie holds the
    moment the pin ends, signed, so its length is the server's to say."""
    value = request.COOKIES.get(PIN_COOKIE)
    if not value:
        return False
    try:
        until = float(signing.Signer(salt=_PIN_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return False
    return time.time() < until


def pin(response: HttpResponse) -> None:
    seconds = settings.REDINK_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return
    value = signing.Signer(salt=_PIN_SALT).sign(f"{time.time() + seconds:.3f}")
    response.set_cookie(
        PIN_COOKIE,
        value,
        max_age=math.ceil(seconds),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class ReplicaMiddleware:
    """Decides, once the address is resolved, whether this request's reads may go to the replica,
    and pins a browser to the primary after it writes. Installed only with DATABASE_REPLICA_URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        finally:
            token = request.__dict__.pop("_redink_replica_token", None)
            if token is not None:
                _replica_reads.reset(token)
        if request.method not in SAFE_METHODS and _view_name(request) not in UNPINNED_VIEWS:
            pin(response)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        if self._may_read_replica(request):
            request.__dict__["_redink_replica_token"] = _replica_reads.set(True)

    @staticmethod
    def _may_read_replica(request: HttpRequest) -> bool:
        return (
            request.method in SAFE_METHODS
            and _view_name(request) in REPLICA_VIEWS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not is_pinned(request)
            and replica_reachable()
        )


def _view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.view_name if match is not None else ""
