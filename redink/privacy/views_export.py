"""'Export my data': the account page's button, and the e-mailed link that downloads the archive.

The link works only for its owner, signed in: anyone else (another user, or a guess) gets the
same 404 as for a link that never existed. Its expiry is checked here, when it is used."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .models import DataExport
from .services_export import ExportRefused, data_export_check_expiry, data_export_find, data_export_request


def _account_section() -> str:
    return reverse("accounts:overview") + "#your-data"


@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    """The "Export my data" button. Signed out, it sends to the login page and back to the
    account page (this address only takes a POST, so it cannot be where the login returns)."""
    if not request.user.is_authenticated:
        return redirect_to_login(_account_section())
    try:
        data_export_request(user=request.user)
    except ExportRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(
            request,
            "We are preparing a copy of your data. We will e-mail you a link to download it, usually within "
            "a few minutes.",
        )
    return HttpResponseRedirect(_account_section())


def _unavailable(request: HttpRequest, *, state: str, status: int) -> HttpResponse:
    context = {"state": state, "account_url": _account_section(), "days": settings.REDINK_DATA_EXPORT_DAYS}
    return render(request, "privacy/export_unavailable.html", context, status=status)


@never_cache
@require_safe
@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    export = data_export_find(user=request.user, token=token)
    if export is None:
        raise Http404("No such export.")
    if data_export_check_expiry(export=export):
        return _unavailable(request, state="expired", status=410)
    if export.status == DataExport.Status.PENDING:
        return _unavailable(request, state="pending", status=200)
    if export.status != DataExport.Status.READY or not export.archive:
        return _unavailable(request, state="failed", status=410)
    try:
        handle = export.archive.open("rb")
    except FileNotFoundError:
        return _unavailable(request, state="failed", status=410)
    stamp = (export.ready_at or export.created_at).date().isoformat()
    name = f"{slugify(settings.SITE_NAME) or 'redink'}-data-{stamp}.zip"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
