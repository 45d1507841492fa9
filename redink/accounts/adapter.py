from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from redink.core.clients import client_ip

from .limits import login_pauses_lift


class AccountAdapter(DefaultAccountAdapter):
    """Redink's account rules on top of allauth's."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """The one client address every limit uses (redink.core.clients)."""
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a name for "no address", never bound

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth calls this for each of the account's addresses once a password reset is
        complete: the login pauses of the account are lifted with allauth's own counts."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        if credentials.get("email"):
            login_pauses_lift(email=str(credentials["email"]))
