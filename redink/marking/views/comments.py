"""Margin comments: a teacher comments on a passage (/teach/essays/<slug>/comments/), edits,
deletes and re-attaches their comments (/teach/margin-comments/<id>/…) and lists those that lost their
passage (/teach/lost-comments/); moderators hide a comment or show it again
(/moderation/comments/<id>/…) and list every lost one (/moderation/lost-comments/).

The essay page carries the form: with JavaScript a teacher selects a passage and presses
"Comment on selection"; without it, the same form attaches the comment to a whole paragraph."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from redink.catalogue.models import Essay
from redink.core.ratelimit import Rate, limit_consume, wait_phrase

from ..comments import (
    comment_add,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_reattach,
    comment_show,
    paragraph_range,
)
from ..models import BankComment, MarginComment
from ..selectors_comments import lost_comments
from .reviews import moderator_required, verified_teacher_required


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _selection(request: HttpRequest, essay: Essay) -> tuple[int, int, str]:
    """The passage the form names: a selection (start, end, quote) or a whole paragraph."""
    start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
    if start is not None and end is not None:
        return start, end, request.POST.get("quote", "")
    paragraph = _int(request.POST.get("paragraph"))
    if paragraph is None:
        raise ValidationError("Choose the paragraph your comment is about, or select a passage.")
    start, end = paragraph_range(essay=essay, number=paragraph)
    return start, end, ""


def _comment_text(request: HttpRequest) -> str:
    """What the teacher wrote, or else the comment they chose from their bank."""
    body = request.POST.get("body", "").strip()
    bank_id = _int(request.POST.get("bank"))
    if not body and bank_id is not None:
        saved = BankComment.objects.filter(pk=bank_id, teacher_id=request.user.pk).first()
        body = saved.text if saved else ""
    return body


def _back(essay: Essay, anchor: str = "comment-composer") -> str:
    return f"{essay.get_absolute_url()}#{anchor}"


@verified_teacher_required
@require_POST
def add(request: HttpRequest, slug: str) -> HttpResponse:
    essay = get_object_or_404(Essay, slug=slug, status=Essay.Status.PUBLISHED)
    try:
        _comment_limit(request)
        start, end, quote = _selection(request, essay)
        comment = comment_add(
            essay=essay,
            teacher=request.user,
            body=_comment_text(request),
            start=start,
            end=end,
            quote=quote,
            text_version=_int(request.POST.get("text_version")) or 0,
        )
    except ValidationError as refused:
        # Nothing is lost: the page keeps what was written in its box, with the reason.
        request.session["comment_draft"] = request.POST.get("body", "")[:4000]
        messages.error(request, " ".join(refused.messages))
        return redirect(_back(essay))
    request.session.pop("comment_draft", None)
    messages.success(request, "Your comment is beside its passage.")
    return redirect(_back(essay, f"comment-{comment.pk}"))


def _comment_limit(request: HttpRequest) -> None:
    """Counts one comment against REDINK_COMMENTS_PER_HOUR; past it the comment is refused like
    any other (its text kept in the box, nothing stored)."""
    rate = Rate(settings.REDINK_COMMENTS_PER_HOUR, 3600)
    verdict = limit_consume(scope="margin-comments", ident=f"user:{request.user.pk}", rate=rate)
    if not verdict.allowed:
        raise ValidationError(
            f"You have added {rate.limit} comments in the last hour, the most we take. This one was not "
            f"saved: it is still in the box. Please try again in {wait_phrase(verdict.retry_after)}."
        )


def _own_comment(request: HttpRequest, comment_id: int) -> MarginComment:
    # Another teacher's comment answers as one that does not exist: its number tells nothing
    # (not even that a hidden or lost comment is there) and nothing about it can be changed.
    return get_object_or_404(MarginComment.objects.select_related("essay"), pk=comment_id, teacher_id=request.user.pk)


@verified_teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _own_comment(request, comment_id)
    error, body = "", comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            comment_edit(comment=comment, teacher=request.user, body=body)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "Your comment is updated.")
            if comment.is_orphan:
                return redirect("marking:lost-comments")
            return redirect(_back(comment.essay, f"comment-{comment.pk}"))
    return render(
        request,
        "marking/comment_edit.html",
        {"comment": comment, "body": body, "error": error},
        status=400 if error else 200,
    )


@verified_teacher_required
@require_POST
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _own_comment(request, comment_id)
    essay, was_orphan = comment.essay, comment.is_orphan
    comment_delete(comment=comment, teacher=request.user)
    messages.success(request, "Your comment is deleted.")
    return redirect("marking:lost-comments" if was_orphan else _back(essay, "essay-text"))


@verified_teacher_required
@require_POST
def reattach(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _own_comment(request, comment_id)
    essay = comment.essay
    try:
        start, end, quote = _selection(request, essay)
        comment_reattach(
            comment=comment,
            teacher=request.user,
            start=start,
            end=end,
            quote=quote,
            text_version=_int(request.POST.get("text_version")) or 0,
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(f"{essay.get_absolute_url()}?reattach={comment.pk}#comment-composer")
    messages.success(request, "Your comment is on its new passage.")
    return redirect(_back(essay, f"comment-{comment.pk}"))


@verified_teacher_required
@require_safe
def lost(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "marking/lost_comments.html",
        {"comments": lost_comments(teacher=request.user), "as_moderator": False},
    )


@moderator_required
@require_safe
def lost_everywhere(request: HttpRequest) -> HttpResponse:
    from redink.submissions.selectors import status_counts

    return render(
        request,
        "marking/lost_comments.html",
        {"comments": lost_comments(), "as_moderator": True, "counts": status_counts()},
    )


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(MarginComment.objects.select_related("essay", "teacher"), pk=comment_id)
    reason, error = request.POST.get("reason", ""), ""
    if request.method == "POST":
        try:
            comment_hide(comment=comment, moderator=request.user, reason=reason)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{comment.teacher_name}'s comment is hidden.")
            return redirect(_back(comment.essay, f"comment-{comment.pk}"))
    return render(
        request,
        "marking/comment_hide.html",
        {"comment": comment, "reason": reason, "error": error},
        status=400 if error else 200,
    )


@moderator_required
@require_POST
def show(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(MarginComment.objects.select_related("essay", "teacher"), pk=comment_id)
    if comment.is_hidden:
        comment_show(comment=comment, moderator=request.user)
        messages.success(request, f"{comment.teacher_name}'s comment is shown again.")
    return redirect(_back(comment.essay, f"comment-{comment.pk}"))


urlpatterns = [
    path("teach/essays/<slug:slug>/comments/", add, name="comment-add"),
    path("teach/margin-comments/<int:comment_id>/edit/", edit, name="comment-edit"),
    path("teach/margin-comments/<int:comment_id>/delete/", delete, name="comment-delete"),
    path("teach/margin-comments/<int:comment_id>/reattach/", reattach, name="comment-reattach"),
    path("teach/lost-comments/", lost, name="lost-comments"),
    path("moderation/lost-comments/", lost_everywhere, name="lost-comments-all"),
    path("moderation/comments/<int:comment_id>/hide/", hide, name="comment-hide"),
    path("moderation/comments/<int:comment_id>/show/", show, name="comment-show"),
]
