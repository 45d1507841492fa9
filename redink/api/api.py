"""The NinjaAPI instance behind /api/v1/: its routers, and one error shape for every failure.

Every failure answers `{"error": {"code", "message", "fields"}}` as JSON (`errors.py`):
parameters that do not validate (422, each one named in `fields`), a missing essay (404), too
many requests (429 with Retry-After), credentials refused (401/403, with the code the auth
gave). A fault of ours is logged and answered with the same shape and a 500, never a page of
HTML; bad input never gets that far. Unknown addresses and methods under /api/v1/ are answered
in the same shape by `urls.py`, outside ninja.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from .errors import (
    CODE_OF_STATUS,
    INVALID,
    NOT_FOUND,
    SERVER_ERROR,
    UNAUTHENTICATED,
    ApiError,
    error_body,
    validation_fields,
)
from .routers import catalogue, essays, marking, me, search

logger = logging.getLogger(__name__)

DESCRIPTION = """Redink's library of student essays, for schools' and app makers' own tools.

Anonymous calls read what a visitor's pages show (essay previews); a personal access token
(`Authorization: Bearer rdk_…`, made on the account page) reads what its owner may read and,
with the read+write scope, changes their reading list. Errors always have the shape
`{"error": {"code", "message", "fields"}}`. See docs/api.md for examples and what may change
within v1."""


class RedinkAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """ninja's schema, with each operation that answers another media type than JSON (the
        annotations' JSON-LD, marked `x-media-type`) declaring that type for its 200."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                media_type = operation.pop("x-media-type", None)
                ok = operation.get("responses", {}).get(200) or operation.get("responses", {}).get("200")
                if media_type and ok and "content" in ok:
                    ok["content"] = {media_type: ok["content"]["application/json"]}
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        """The endpoint's function name (each is unique across the routers): stable names for
        generated clients, which a module move would otherwise change."""
        return str(operation.view_func.__name__)


api = RedinkAPI(
    title="Redink API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,  # our own docs page (views_docs.py), which passes the site's CSP
    openapi_url="/openapi.json",
)

api.add_router("/", catalogue.router)
api.add_router("/essays/", essays.router)
api.add_router("/search/", search.router)
api.add_router("/essays/", marking.router)
api.add_router("/me/", me.router)


def _answer(
    request: HttpRequest,
    status: int,
    *,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, error_body(code=code, message=message, fields=fields), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = validation_fields(exc.errors)
    named = ", ".join(sorted(fields))
    return _answer(request, 422, code=INVALID, message=f"Some parameters are not valid: {named}.", fields=fields)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _answer(request, exc.status, code=exc.code, message=exc.message, fields=exc.fields, headers=exc.headers)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _answer(request, 404, code=NOT_FOUND, message=str(exc) or "Nothing has that address.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals and the auth's (ApiAuthError carries a code and headers)."""
    headers: dict[str, Any] = dict(getattr(exc, "headers", {}) or {})
    if isinstance(exc, Throttled):
        headers.setdefault("Retry-After", str(max(1, int(exc.wait or 1))))
    code = getattr(exc, "code", "") or CODE_OF_STATUS.get(exc.status_code, INVALID)
    message = exc.message
    if isinstance(exc, AuthenticationError) and code == UNAUTHENTICATED:
        # No credentials at all on an endpoint that needs them: say what would do.
        message = "This needs you: sign in on the site, or send a personal access token (Authorization: Bearer rdk_…)."
        headers.setdefault("WWW-Authenticate", "Bearer")
    return _answer(request, exc.status_code, code=code, message=message, headers=headers)


@api.exception_handler(Exception)
def _fault(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API fault on %s %s", request.method, request.path)
    return _answer(request, 500, code=SERVER_ERROR, message="Something went wrong on our side. It has been logged.")
