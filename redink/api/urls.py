"""/api/v1/: ninja's endpoints and schema, the docs page, and JSON for whatever misses them.

Every answer under /api/v1/ is JSON in the API's error shape when it is an error: an address
no endpoint has (404, instead of the site's HTML page) and a method an endpoint does not take
(405 with `Allow`, instead of ninja's plain text). Every answer varies on `Authorization`, and
one to a caller who sent credentials is never stored (`private, no-store`); anonymous ones are
left to SharedCacheMiddleware, which makes them shareable as it does anonymous pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .caching import mark_private
from .errors import error_response
from .views_docs import api_docs

app_name = "api-v1"


def _with_api_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, f"This address takes {allowed or 'no other method'}, not {request.method}.")
            response["Allow"] = allowed
        patch_vary_headers(response, ("Authorization",))
        credentials = "HTTP_AUTHORIZATION" in request.META or getattr(request, "api_token", None) is not None
        if credentials and not response.has_header("Cache-Control"):
            mark_private(response)
        return response

    return csrf_exempt(wrapped)  # ninja checks CSRF itself, for the session's writes (auth.py)


@_with_api_headers
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    hint = " (API addresses end with a slash)" if not request.path.endswith("/") else ""
    return error_response(
        404,
        f"The API has no address {request.path}{hint}. Its schema lists them: /api/v1/openapi.json, "
        "and /api/v1/docs/ shows them.",
    )


def _wrap(patterns: list[Any]) -> list[Any]:
    for pattern in patterns:
        if not isinstance(pattern, URLPattern):
            continue
        if pattern.name == "api-root":
            # ninja's root (which it reverses to find its prefix) raises a 404 that Django would
            # answer with the site's HTML page: the JSON 404 instead, pointing at the schema.
            pattern.callback = not_found
        else:
            pattern.callback = _with_api_headers(pattern.callback)
    return patterns


urlpatterns = [
    *_wrap(list(api.urls[0])),
    path("docs/", api_docs, name="docs"),
    re_path(r"^(?P<rest>.*)$", not_found, name="not-found"),
]
