from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginRateLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through a form (which always carry a request).

    Authentication without a request (the test client's `login()`, a management command) is no
    login attempt from outside, so there is nothing to count; axes would refuse it outright.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[arg-type]
