"""The JSON API's request limits: per personal access token, and per client address.

A request with a usable token counts against that token
(REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN), so an app's own limit does not shrink because a
school's pupils share its address. Everything else — visitors, the site's own session, and
requests whose token is not valid — counts against the client's address
(REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS): made-up tokens buy no extra requests.

It is redink.core.ratelimit underneath (Redis in production, the database cache in the
one-command install), applied to every path under /api/ by ApiRateLimitMiddleware, before
ninja runs. Past a limit the answer is 429 in the API's error shape with `Retry-After`.
CORS preflights never get here (django-cors-headers answers them first), so they cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from redink.core.clients import client_key
from redink.core.ratelimit import Rate, Verdict, limit_consume, wait_phrase

from .tokens import token_for_request

API_PREFIX = "/api/"
TOKEN_SCOPE = "api-token"  # noqa: S105 (a rate-limit scope, not a secret)
ADDRESS_SCOPE = "api-address"


def api_rate_limit(request: HttpRequest) -> HttpResponse | None:
    """Count this API request; a 429 response once its token or address is over its limit."""
    presented = token_for_request(request)
    if presented.token is not None:
        rate = Rate(int(settings.REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN), 60)
        verdict = limit_consume(scope=TOKEN_SCOPE, ident=str(presented.token.pk), rate=rate)
        who = "this token"
    else:
        rate = Rate(int(settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS), 60)
        verdict = limit_consume(scope=ADDRESS_SCOPE, ident=client_key(request), rate=rate)
        who = "your address"
    if verdict.allowed:
        return None
    return rate_limited_response(verdict=verdict, rate=rate, who=who)


def rate_limited_response(*, verdict: Verdict, rate: Rate, who: str = "you") -> JsonResponse:
    """429 in the API's one error shape, with `Retry-After` in seconds."""
    wait = max(1, verdict.retry_after)
    message = (
        f"Too many requests: the API allows {rate.describe('requests')} from {who}. "
        f"Please try again in {wait_phrase(wait)}."
    )
    response = JsonResponse({"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


class ApiRateLimitMiddleware:
    """api_rate_limit for every request under /api/; other paths pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            refused = api_rate_limit(request)
            if refused is not None:
                return refused
        return self.get_response(request)
