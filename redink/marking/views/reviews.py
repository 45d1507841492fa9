"""A verified teacher's review of an essay (/teach/essays/<slug>/review/), and moderators hiding a
review or showing it again (/moderation/reviews/<id>/hide/ and …/show/)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.core.ratelimit import Rate, limit_consume, wait_phrase

from ..models import BankComment, Review
from ..review_forms import ReviewForm, review_initial, with_comment_appended
from ..services import may_review, objectives_for, review_hide, review_save, review_show

View = Callable[..., HttpResponseBase]


def verified_teacher_required(view: View) -> View:
    """Verified teachers only: a visitor is sent to log in, anyone else is told why not."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_verified_teacher):
            raise PermissionDenied("Only verified teachers review essays and keep a comment bank.")
        return view(request, *args, **kwargs)

    return wrapped


def moderator_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("Only moderators hide reviews or show them again.")
        return view(request, *args, **kwargs)

    return wrapped


def _essay(slug: str) -> Essay:
    essay = (
        Essay.objects.select_related("section__subject__level", "subject__level", "level", "author")
        .filter(slug=slug, status=Essay.Status.PUBLISHED)
        .first()
    )
    if essay is None:
        raise Http404("No published essay has that address.")
    return essay


def _own_review(essay: Essay, teacher: Any) -> Review | None:
    return Review.objects.filter(essay=essay, teacher=teacher).prefetch_related("marks").first()


def _bank(teacher: Any) -> list[BankComment]:
    return list(BankComment.objects.filter(teacher=teacher))


def _page(
    request: HttpRequest,
    *,
    essay: Essay,
    form: ReviewForm,
    review: Review | None,
    bank: list[BankComment],
    inserted: BankComment | None = None,
    status: int = 200,
) -> HttpResponse:
    bank_codes = sorted({c.objective_code for c in bank if c.objective_code})
    return render(
        request,
        "marking/review_form.html",
        {
            "essay": essay,
            "visible": essay_text_for(essay=essay, viewer=request.user),
            "form": form,
            "review": review,
            "bank": bank,
            "bank_codes": bank_codes,
            "bank_has_general": any(not c.objective_code for c in bank),
            "inserted": inserted,
        },
        status=status,
    )


@verified_teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, slug: str) -> HttpResponse:
    essay = _essay(slug)
    if not may_review(essay=essay, user=request.user):
        raise PermissionDenied("You cannot review your own essay.")
    objectives = objectives_for(essay=essay)
    own = _own_review(essay, request.user)
    bank = _bank(request.user)
    if request.method != "POST":
        form = ReviewForm(initial=review_initial(own, objectives), objectives=objectives)
        return _page(request, essay=essay, form=form, review=own, bank=bank)

    if "insert" in request.POST:
        # Without the page's script, "Insert" sends the form: the comment joins the "next grade"
        # text and the form comes back as it was typed, with nothing checked yet.
        comment = next((c for c in bank if str(c.pk) == request.POST["insert"]), None)
        if comment is None:
            messages.error(request, "That comment is no longer in your comment bank.")
            form = ReviewForm(initial=request.POST.dict(), objectives=objectives)
        else:
            form = ReviewForm(initial=with_comment_appended(request.POST.dict(), comment), objectives=objectives)
            form.fields["next_steps"].widget.attrs["autofocus"] = True
        return _page(request, essay=essay, form=form, review=own, bank=bank, inserted=comment)

    form = ReviewForm(request.POST, objectives=objectives)
    publish = request.POST.get("action") == "publish"
    if form.is_valid():
        retry_after = _review_limit_reached(request, form)
        if retry_after:
            response = _page(request, essay=essay, form=form, review=own, bank=bank, status=429)
            response["Retry-After"] = retry_after
            return response
        try:
            saved = review_save(essay=essay, teacher=request.user, data=form.review_input(), publish=publish)
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            return _after_save(request, essay=essay, review=saved, first_time=own is None or own.published_at is None)
    return _page(request, essay=essay, form=form, review=own, bank=bank, status=400)


def _review_limit_reached(request: HttpRequest, form: ReviewForm) -> str:
    """Counts one save against REDINK_REVIEWS_PER_HOUR. Past it the form says so, keeping
    everything typed, nothing is stored, and this returns the seconds to wait ("" when allowed)."""
    rate = Rate(settings.REDINK_REVIEWS_PER_HOUR, 3600)
    verdict = limit_consume(scope="reviews", ident=f"user:{request.user.pk}", rate=rate)
    if verdict.allowed:
        return ""
    form.add_error(
        None,
        f"You have saved reviews {rate.limit} times in the last hour, the most we take. Nothing was saved "
        f"this time: your text is still below. Please try again in {wait_phrase(verdict.retry_after)}.",
    )
    return str(max(1, verdict.retry_after))


def _after_save(request: HttpRequest, *, essay: Essay, review: Review, first_time: bool) -> HttpResponse:
    if review.status == Review.Status.DRAFT:
        messages.success(request, "Draft saved. Nobody else sees it until you publish it.")
        return redirect("marking:review", slug=essay.slug)
    if review.status == Review.Status.HIDDEN:
        messages.success(request, "Changes saved. A moderator has hidden this review, so it is not shown yet.")
        return redirect("marking:review", slug=essay.slug)
    if first_time:
        messages.success(request, "Your review is published. The essay's author has been told.")
    else:
        messages.success(request, "Your review is updated.")
    return redirect(f"{essay.get_absolute_url()}#review-{review.pk}")


def _review_for_moderation(review_id: int) -> Review:
    # A draft is its teacher's alone ("nobody else sees it until you publish it"): to a moderator
    # its number answers as one that does not exist, rather than naming its teacher and stars.
    moderated = Review.objects.filter(status__in=(Review.Status.PUBLISHED, Review.Status.HIDDEN))
    return get_object_or_404(moderated.select_related("essay", "teacher"), pk=review_id)


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def hide(request: HttpRequest, review_id: int) -> HttpResponse:
    target = _review_for_moderation(review_id)
    reason = request.POST.get("reason", "")
    error = ""
    if request.method == "POST":
        if target.status != Review.Status.PUBLISHED:
            messages.error(request, "Only a published review can be hidden.")
            return redirect(f"{target.essay.get_absolute_url()}#review-{target.pk}")
        try:
            review_hide(review=target, moderator=request.user, reason=reason)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, f"{target.teacher_name}'s review is hidden; they have been told why.")
            return redirect(f"{target.essay.get_absolute_url()}#review-{target.pk}")
    return render(
        request,
        "marking/review_hide.html",
        {"review": target, "reason": reason, "error": error},
        status=400 if error else 200,
    )


@moderator_required
@require_POST
def show(request: HttpRequest, review_id: int) -> HttpResponse:
    target = _review_for_moderation(review_id)
    if target.status == Review.Status.HIDDEN:
        review_show(review=target, moderator=request.user)
        messages.success(request, f"{target.teacher_name}'s review is shown again.")
    return redirect(f"{target.essay.get_absolute_url()}#review-{target.pk}")


urlpatterns = [
    path("teach/essays/<slug:slug>/review/", review, name="review"),
    path("moderation/reviews/<int:review_id>/hide/", hide, name="review-hide"),
    path("moderation/reviews/<int:review_id>/show/", show, name="review-show"),
]
