from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def moderator_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Moderators (staff) only: a visitor is sent to log in, anyone else is refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("This page is for the moderators who check uploads, requests and teachers.")
        return view(request, *args, **kwargs)

    return wrapped
