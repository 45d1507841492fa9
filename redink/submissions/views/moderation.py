"""Moderators: the queue, one upload's review (text, overlaps, details, decision), its file, comparisons."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import selectors
from ..forms import EssayDetailsForm, QueueFilterForm, RejectForm
from ..models import Submission
from ..services.moderation import (
    ModerationError,
    submission_approve,
    submission_reject,
    submission_update_details,
)
from ..storage import private_file_download
from .access import moderator_required


@moderator_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = Submission.Status.IN_REVIEW
    filters = QueueFilterForm(params)
    cleaned = filters.cleaned_data if filters.is_valid() else {"status": Submission.Status.IN_REVIEW}
    page = Paginator(selectors.moderation_queue(filters=cleaned), settings.REDINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "submissions/moderation/queue.html",
        {"filters": filters, "page_obj": page, "counts": selectors.status_counts()},
    )


def _review_page(
    request: HttpRequest,
    submission: Submission,
    *,
    details: EssayDetailsForm | None = None,
    reject: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    details = details or EssayDetailsForm(
        initial={
            "title": submission.title,
            "section": submission.section_id,
            "exam_board": submission.exam_board,
            "year": submission.year,
            "grade": submission.grade,
        }
    )
    return render(
        request,
        "submissions/moderation/review.html",
        {
            "submission": submission,
            "paragraphs": [p for p in submission.extracted_text.split("\n\n") if p.strip()],
            "matches": selectors.matches_of(submission=submission),
            "events": selectors.events_of(submission=submission),
            "details": details,
            "reject": reject or RejectForm(),
        },
        status=status,
    )


def _get_submission(submission_id: int) -> Submission:
    submission = selectors.submission_for_review(submission_id=submission_id)
    if submission is None:
        raise Http404("No upload has that number.")
    return submission


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _get_submission(submission_id)
    if request.method != "POST":
        return _review_page(request, submission)
    details = EssayDetailsForm(request.POST)
    if not details.is_valid():
        return _review_page(request, submission, details=details, status=400)
    submission_update_details(submission=submission, moderator=request.user, **details.cleaned_data)
    messages.success(request, "Details saved.")
    return redirect("submissions:review", submission_id=submission.pk)


@moderator_required
@require_POST
def approve(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _get_submission(submission_id)
    try:
        essay = submission_approve(submission=submission, moderator=request.user)
    except ModerationError as problem:
        messages.error(request, str(problem))
        return redirect("submissions:review", submission_id=submission.pk)
    messages.success(request, f"Published “{essay.title}”.")
    return redirect("submissions:queue")


@moderator_required
@require_POST
def reject(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _get_submission(submission_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _review_page(request, submission, reject=form, status=400)
    try:
        submission_reject(
            submission=submission,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ModerationError as problem:
        form.add_error(None, str(problem))
        return _review_page(request, submission, reject=form, status=400)
    messages.success(request, f"Rejected “{submission.title}”; the contributor is told why.")
    return redirect("submissions:queue")


@login_required
@require_safe
def download(request: HttpRequest, submission_id: int) -> HttpResponseBase:
    """The file exactly as uploaded, always as a download (never rendered: it may be hostile HTML),
    for the moderators and the upload's own author. To anyone else the upload does not exist."""
    submission = Submission.objects.filter(pk=submission_id).first()
    user = request.user
    allowed = submission is not None and user.is_active and (user.is_staff or submission.contributor_id == user.pk)
    if submission is None or not allowed or not submission.file:
        raise Http404("No upload with a file has that number.")
    return private_file_download(
        submission.file, filename=submission.original_filename or "upload", detected_format=submission.detected_format
    )


@moderator_required
@require_safe
def compare(request: HttpRequest, submission_id: int, match_id: int) -> HttpResponse:
    submission = _get_submission(submission_id)
    match = get_object_or_404(selectors.matches_of(submission=submission), pk=match_id)
    view = selectors.side_by_side(submission=submission, match=match, viewer=request.user)
    if view is None:
        raise Http404("The other text is no longer there.")
    return render(
        request, "submissions/moderation/compare.html", {"submission": submission, "match": match, "view": view}
    )
