"""A tiny API under /api/v1/probe/ for the auth, rate-limit and CORS tests (used with
`@pytest.mark.urls`): it answers with who the auth saw, so the tests do not depend on any one
endpoint of the real API. Refusals use the same shape as the real API's error handler."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import HttpError

from redink.access.visibility import reads_everything
from redink.api.auth import VIEWER_OPENAPI_EXTRA, api_token, api_viewer, viewer_auth, write_auth

probe = NinjaAPI(urls_namespace="api-probe", docs_url=None)


@probe.exception_handler(HttpError)
def _refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = getattr(exc, "code", "") or {401: "unauthenticated", 403: "forbidden"}.get(exc.status_code, "invalid")
    body = {"error": {"code": code, "message": exc.message, "fields": {}}}
    response = JsonResponse(body, status=exc.status_code)
    for name, value in getattr(exc, "headers", {}).items():
        response[name] = value
    return response


def _who(request: HttpRequest) -> dict[str, Any]:
    viewer = api_viewer(request)
    return {
        "authenticated": bool(viewer.is_authenticated),
        "user_id": viewer.pk,
        "is_staff": bool(getattr(viewer, "is_staff", False)),
        "is_superuser": bool(getattr(viewer, "is_superuser", False)),
        "can_moderate": bool(viewer.is_authenticated and viewer.has_perm("submissions.change_submission")),
        "reads_everything": reads_everything(viewer),
        "token": api_token(request).name if api_token(request) else None,
    }


@probe.get("/who/", auth=viewer_auth, openapi_extra=VIEWER_OPENAPI_EXTRA)
def who(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


@probe.post("/write/", auth=write_auth)
def write(request: HttpRequest) -> dict[str, Any]:
    return _who(request)


def plain_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("not the API")


urlpatterns = [
    path("api/v1/probe/", probe.urls),
    path("plain/", plain_page),
    path("", include("redink.urls")),  # the site's own pages (error pages link to them)
]
