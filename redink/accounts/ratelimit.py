"""How django-axes names a login attempt: the account's e-mail address and the client's address."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address tried, case-folded, so "Ann@x" and "ann@x" count as one account."""
    source: Any = credentials or getattr(request, "POST", {})
    value = source.get("email") or source.get("login") or source.get("username") or ""
    return str(value).strip().lower()


def client_ip(request: HttpRequest) -> str | None:
    """The client address allauth's own rate limits use (honouring ALLAUTH_TRUSTED_PROXY_COUNT).

    None when there is none (a login made in code, such as the test client's `force_login`).
    """
    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:
        return None
