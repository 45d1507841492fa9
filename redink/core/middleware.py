"""Cache headers: anonymous pages are shareable, everything else is private.

An anonymous GET that sets no cookie gets `Cache-Control: public, s-maxage=…` and no
`Vary: Cookie`, so nginx or a CDN can serve it to every visitor (the documented nginx
front bypasses its cache for requests that carry a session cookie). A response for a
logged-in user, or one that sets a cookie, is `private, no-store`: no cache, shared or the
browser's, keeps a page holding someone's account, uploads or full essays.

Every response also carries a `Permissions-Policy` that switches off the browser features
Redink never uses (camera, microphone, location, payment APIs, …), so no script that found
its way into a page could reach them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

CACHEABLE_STATUSES = frozenset({200, 301, 404, 410})


class SharedCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if self._shareable(request, response):
            _drop_vary_cookie(response)
            # max-age=0: a browser revalidates, so after logging in nobody sees their own stale
            # anonymous copy; s-maxage lets the shared cache keep serving it to visitors.
            patch_cache_control(response, public=True, max_age=0, s_maxage=settings.REDINK_SHARED_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
        if request.method not in ("GET", "HEAD") or response.status_code not in CACHEABLE_STATUSES:
            return False
        if response.cookies:
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)


def _drop_vary_cookie(response: HttpResponse) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "cookie"]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


# Features no Redink page uses, each switched off for the page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class MethodNotAllowedPageMiddleware:
    """A page instead of Django's empty 405 for someone who opens a form's address directly
    (a bookmarked "Log out" or "Manage subscription"): the status and `Allow` header stay."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method == "HEAD":
            return response
        from django.shortcuts import render

        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page
