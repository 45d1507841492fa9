from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from redink.billing import csp
from redink.billing.gateway import billing_mode

from .selectors import account_access


@require_safe
@login_required
@csp_update(csp.PORTAL_PAGE)
def overview(request: HttpRequest) -> HttpResponse:
    """The account page: who you are, your membership, and links to change e-mail and password."""
    context = {
        "access": account_access(user=request.user),
        "test_mode": billing_mode() == "test",
        "contribution_days": settings.REDINK_CONTRIBUTION_DAYS,
    }
    return render(request, "account/overview.html", context)
