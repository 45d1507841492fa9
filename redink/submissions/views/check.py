""" "Check my essay": a student's draft against the published library, run in the request.

Nothing is built in the web process: the candidates come from one indexed query on the
stored LSH band keys, then a handful of exact comparisons. The draft is not stored.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from redink.core.ratelimit import Rate, limit_consume

from ..forms import CheckForm
from ..originality.report import draft_report


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None)
    report = None
    limited = False
    if request.method == "POST" and form.is_valid():
        allowed = limit_consume(
            scope="check", ident=f"user:{request.user.pk}", rate=Rate(settings.REDINK_CHECKS_PER_HOUR, 3600)
        ).allowed
        if allowed:
            report = draft_report(text=form.cleaned_data["text"])
        else:
            limited = True
    response = render(
        request,
        "submissions/check.html",
        {"form": form, "report": report, "limited": limited, "per_hour": settings.REDINK_CHECKS_PER_HOUR},
        status=429 if limited else 200,
    )
    return response
