"""Who is calling the API, for django-ninja's `auth=`.

    viewer_auth        read endpoints: a token, the site's session, or nobody (anonymous)
    write_auth         reading-list writes: the session with its CSRF token, or a read+write token
    api_viewer(req)    the user to hand to essay_text_for and the visibility selectors
    VIEWER_OPENAPI_EXTRA   `openapi_extra=` for read endpoints: says in the schema that no auth is fine too

With `auth=viewer_auth` every caller gets in, and
- no Authorization header and no session: request.user stays AnonymousUser;
- `Authorization: Bearer rdk_…` with a usable token: request.user is the token's user with its
  staff powers off (a TokenViewer), and request.api_token is the token;
- the site's session cookie: request.user is the session's user, exactly as on the pages;
- an Authorization header that does not hold a usable token (unknown, expired, revoked, its
  owner deactivated, or another scheme): 401 `invalid_token`. A bad token is never taken for an
  anonymous caller: an app whose token ended must be told, not quietly shown previews.

With `auth=write_auth`, a read-only token gets 403 `insufficient_scope`, a session request
without a valid CSRF token gets 403 `csrf_failed`, and nobody signed in gets ninja's 401.

The refusals are ninja HttpErrors (ApiAuthError) carrying `code` and `headers` (401s carry
`WWW-Authenticate: Bearer`) for the API's error handler to put in its one error shape.

Tokens never grant staff powers. "Staff" here means moderators and administrators (is_staff,
is_superuser, Django permissions): a token acts as its user with those off, so a moderator's
token reads what a member (or visitor) would, and can never see hidden reviews, drafts, queues
or anything only moderators see. A verified teacher's token stays a teacher's: being a teacher
is a reader's role verified by staff (it reads every essay in full, like a membership) rather
than a power over other people's content, and the API offers no teacher writes (reviews,
comments) at all, so the token can do nothing with it but read.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from .models import ApiToken, TokenViewer
from .tokens import token_for_request, token_touch

__all__ = [
    "VIEWER_OPENAPI_EXTRA",
    "ApiAuthError",
    "api_token",
    "api_viewer",
    "viewer_auth",
    "write_auth",
]


class ApiAuthError(HttpError):
    """A refusal by the API's authentication, with a stable machine-readable `code`."""

    def __init__(self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = headers or {}


def _invalid_token(message: str) -> ApiAuthError:
    return ApiAuthError(401, "invalid_token", message, {"WWW-Authenticate": 'Bearer error="invalid_token"'})


def token_viewer(user: Any) -> TokenViewer:
    """An in-memory copy of `user` with staff powers off. Never saved (TokenViewer refuses)."""
    viewer = copy.copy(user)
    viewer.__class__ = TokenViewer
    viewer.is_staff = False
    viewer.is_superuser = False
    # A fresh copy of the per-object caches, so nothing computed for the real user (permissions,
    # membership) is shared by reference.
    viewer._state = copy.copy(user._state)
    viewer._state.fields_cache = {}
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        viewer.__dict__.pop(attr, None)
    return viewer


class BearerToken(HttpBearer):
    """`Authorization: Bearer rdk_…`. Answers None only when there is no Authorization header."""

    # ninja copies each openapi_* attribute into the schema's security scheme, named as here.
    openapi_bearerFormat = "rdk_ and 43 URL-safe characters"
    openapi_description = "A personal access token, made on the account page: `Authorization: Bearer rdk_…`."

    def __init__(self, *, write: bool = False) -> None:
        self.write = write
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        presented = token_for_request(request)
        if not presented.present:
            return None
        if presented.token is None:
            raise _invalid_token(presented.problem)
        return self.authenticate(request, presented.token)

    def authenticate(self, request: HttpRequest, token: Any) -> Any:
        if not isinstance(token, ApiToken):  # ninja's own signature passes the header's text
            raise _invalid_token("This token is not valid.")
        if self.write and not token.can_write:
            raise ApiAuthError(
                403,
                "insufficient_scope",
                "This token may only read. To change your reading list from an app, create a token "
                "with the read and write scope on your account page.",
            )
        token_touch(token=token)
        request.user = token_viewer(token.user)
        request.api_token = token  # type: ignore[attr-defined]
        return token


class SiteSession(APIKeyCookie):
    """The site's own session cookie, as the pages use it. With csrf=True (writes), a signed-in
    session must also send its CSRF token (the X-CSRFToken header, as the site's scripts do)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The site's own session (its pages' scripts); writes also need the X-CSRFToken header."

    def __init__(self, *, csrf: bool) -> None:
        super().__init__(csrf=False)  # ninja's own check would also refuse callers with no session at all
        self.check_csrf = csrf

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.check_csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiAuthError(
                403,
                "csrf_failed",
                "The CSRF check failed: a signed-in page must send the csrftoken cookie's value in the "
                "X-CSRFToken header. Apps should use a personal access token instead.",
            )
        return user


class Anonymous:
    """The last of viewer_auth: lets a caller with neither a token nor a session in as a visitor."""

    def __call__(self, request: HttpRequest) -> Any:
        return _ANONYMOUS


class _AnonymousCaller:
    def __bool__(self) -> bool:
        return True  # ninja takes a falsy answer as "not authenticated"

    def __repr__(self) -> str:
        return "<anonymous API caller>"


_ANONYMOUS = _AnonymousCaller()

viewer_auth: list[Any] = [BearerToken(), SiteSession(csrf=False), Anonymous()]
write_auth: list[Any] = [BearerToken(write=True), SiteSession(csrf=True)]

# ninja lists each auth of an endpoint as one alternative in the schema's `security`; `{}` adds
# "or none at all", which is true of every read endpoint (and which schemathesis checks).
VIEWER_OPENAPI_EXTRA: dict[str, Any] = {"security": [{}]}


def api_token(request: HttpRequest) -> ApiToken | None:
    """The token this request authenticated with, or None (session or anonymous)."""
    token = getattr(request, "api_token", None)
    return token if isinstance(token, ApiToken) else None


def api_viewer(request: HttpRequest) -> Any:
    """Who the visibility rules should see: for a token, its user with staff powers off (never
    the saved user object); for the session, the session's user as on the pages; otherwise
    AnonymousUser. Call it after ninja's auth has run (inside the endpoint)."""
    token = api_token(request)
    if token is not None:
        viewer = request.user
        return viewer if isinstance(viewer, TokenViewer) else token_viewer(token.user)
    return request.user
