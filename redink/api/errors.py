"""The API's one error shape, `{"error": {"code", "message", "fields"}}`, for every failure.

An app that calls the API reads one shape whatever went wrong: a parameter it got wrong, an
essay that is not there, a method the address does not take, too many requests, a token that
is not valid, or (never for bad input) a fault of ours. `code` is a stable word to branch on,
`message` a sentence for a person, `fields` the parameters at fault with what is wrong with
each (empty when no parameter is to blame).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

# Stable codes, one per kind of failure (docs/api.md lists them for app makers).
INVALID = "invalid"
UNAUTHENTICATED = "unauthenticated"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
GONE = "gone"
METHOD_NOT_ALLOWED = "method_not_allowed"
RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server_error"

CODE_OF_STATUS = {
    400: INVALID,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    410: GONE,
    422: INVALID,
    429: RATE_LIMITED,
}


class ApiError(Exception):
    """Raised by an endpoint to answer with the error shape: a status, a code and a sentence."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "",
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODE_OF_STATUS.get(status, INVALID)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_body(*, code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(
    status: int, message: str, *, code: str = "", fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    """A JSON error response outside ninja (unknown addresses, 405s from the router)."""
    body = error_body(code=code or CODE_OF_STATUS.get(status, INVALID), message=message, fields=fields)
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's validation errors as {parameter: [what is wrong]}, the parameter named as the
    caller sent it (`limit`, `body.note`), without ninja's own location prefix for query,
    path and header parameters."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "header")]
        name = ".".join(location) or "request"
        fields.setdefault(name, []).append(str(error.get("msg", "is not valid")))
    return fields
