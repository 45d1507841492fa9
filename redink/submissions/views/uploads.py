"""Contributors: upload an essay, follow its status, correct or withdraw a published essay."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from redink.catalogue.models import Essay

from .. import selectors
from ..forms import UploadForm
from ..licence import LICENCE_PARAGRAPHS, LICENCE_TITLE, LICENCE_VERSION
from ..services.moderation import essay_withdraw_by_author
from ..services.uploads import submission_create, upload_count, upload_limit_message


def _upload_page(
    request: HttpRequest, form: UploadForm, *, correcting: Essay | None = None, limit_message: str = ""
) -> HttpResponse:
    status = 200
    if getattr(request, "refused_upload", None) is not None:
        status = 413
    elif limit_message and request.method == "POST":
        status = 429
    return render(
        request,
        "submissions/upload.html",
        {
            "form": form,
            "correcting": correcting,
            "limit_message": limit_message,
            "licence_title": LICENCE_TITLE,
            "licence_paragraphs": LICENCE_PARAGRAPHS,
            "licence_version": LICENCE_VERSION,
        },
        status=status,
    )


def _upload_form(request: HttpRequest, **kwargs: Any) -> UploadForm:
    return UploadForm(
        request.POST or None,
        request.FILES or None,
        refused_upload=getattr(request, "refused_upload", None),
        **kwargs,
    )


def _submit(request: HttpRequest, form: UploadForm, *, replaces: Essay | None = None) -> HttpResponse:
    data = form.cleaned_data
    upload_count(user=request.user)
    submission_create(
        contributor=request.user,
        title=data["title"],
        section=data["section"],
        declaration=data["declaration"] and data["licence"],
        file=data.get("file"),
        text=data.get("text") or "",
        exam_board=data.get("exam_board") or "",
        year=data.get("year"),
        grade=data.get("grade") or "",
        replaces=replaces,
    )
    messages.success(request, f"Thank you: “{data['title']}” is uploaded. We are reading it now.")
    return redirect("submissions:uploads")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = _upload_form(request)
    limit_message = upload_limit_message(user=request.user)
    if request.method == "POST" and not limit_message and form.is_valid():
        return _submit(request, form)
    return _upload_page(request, form, limit_message=limit_message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, slug: str) -> HttpResponse:
    essay = get_object_or_404(Essay, slug=slug, author=request.user, status=Essay.Status.PUBLISHED)
    initial = {
        "title": essay.title,
        "section": essay.section_id,
        "exam_board": essay.exam_board,
        "year": essay.year,
        "grade": essay.grade,
    }
    form = _upload_form(request, initial=initial)
    limit_message = upload_limit_message(user=request.user)
    if request.method == "POST" and not limit_message and form.is_valid():
        return _submit(request, form, replaces=essay)
    return _upload_page(request, form, correcting=essay, limit_message=limit_message)


@login_required
@require_safe
def uploads(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "submissions/uploads.html",
        {"uploads": selectors.uploads_of(user=request.user), "essays": selectors.essays_of(user=request.user)},
    )


@login_required
@never_cache
@require_safe
def upload_statuses(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"uploads": selectors.upload_statuses(user=request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    essay = get_object_or_404(Essay, slug=slug, author=request.user, status=Essay.Status.PUBLISHED)
    if request.method == "POST":
        essay_withdraw_by_author(essay=essay, user=request.user)
        messages.success(request, f"“{essay.title}” is withdrawn: it has left the library.")
        return redirect("submissions:uploads")
    return render(request, "submissions/withdraw.html", {"essay": essay})
