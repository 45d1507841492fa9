"""The site's own pages (privacy notice, terms of use, contributor licence, about), the account
page's e-mail choices, and the one-click unsubscribe link of each e-mail a user may turn off.

The pages' texts are templates (templates/privacy/), which an operator replaces with their own
from REDINK_TEMPLATES_DIR; who the operator is comes from settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from redink.reading.models import HISTORY_KEPT
from redink.submissions.licence import LICENCE_PARAGRAPHS, LICENCE_TITLE, LICENCE_VERSION

from . import services
from .mail import BadUnsubscribeToken, unsubscribe_token_read
from .models import EmailKind


def _operator() -> dict[str, Any]:
    return {
        "operator_name": settings.REDINK_OPERATOR_NAME,
        "operator_address": settings.REDINK_OPERATOR_ADDRESS,
        "contact_email": settings.REDINK_CONTACT_EMAIL,
        "minimum_age": getattr(settings, "REDINK_MINIMUM_AGE", 13),
        "terms_version": settings.REDINK_TERMS_VERSION,
        "licence_title": LICENCE_TITLE,
        "licence_version": LICENCE_VERSION,
        "reading_history_days": HISTORY_KEPT.days,
        "contribution_days": settings.REDINK_CONTRIBUTION_DAYS,
    }


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/privacy.html", {**_operator(), "email_kinds": EmailKind.choices})


@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/terms.html", _operator())


@require_safe
def licence(request: HttpRequest) -> HttpResponse:
    """The licence in the very words the upload page shows (redink.submissions.licence)."""
    return render(request, "privacy/licence.html", {**_operator(), "licence_paragraphs": LICENCE_PARAGRAPHS})


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/about.html", _operator())


@require_POST
@login_required
def email_preferences_update(request: HttpRequest) -> HttpResponse:
    """The account page's form: each box ticked is a kind of e-mail kept, each unticked one stops."""
    services.email_preferences_save(user=request.user, enabled_kinds=request.POST.getlist("kinds"))
    messages.success(request, "Your e-mail choices are saved.")
    return HttpResponseRedirect(reverse("accounts:overview") + "#email-preferences")


@csrf_exempt  # mail clients POST "List-Unsubscribe=One-Click" with no token (RFC 8058); the signed link is the proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners and previews fetch links, so a GET changes nothing); POST stops
    that kind of e-mail for that user, whether or not anyone is signed in."""
    try:
        user, kind = unsubscribe_token_read(token)
    except BadUnsubscribeToken:
        return render(request, "privacy/unsubscribe_invalid.html", status=400)
    context = {"kind_label": EmailKind(kind).label, "account_url": reverse("accounts:overview")}
    if request.method != "POST":
        return render(request, "privacy/unsubscribe.html", context)
    services.email_preference_set(user=user, kind=kind, enabled=False)
    return render(request, "privacy/unsubscribed.html", context)
