"""Rights holders report an essay; moderators withdraw it or answer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from redink.catalogue.models import Essay
from redink.core.clients import client_key
from redink.core.ratelimit import Rate, limit_consume, wait_phrase

from .. import selectors
from ..forms import TakedownAnswerForm, TakedownForm, TakedownWithdrawForm
from ..models import TakedownRequest
from ..services.moderation import ModerationError
from ..services.takedowns import takedown_answer, takedown_file, takedown_withdraw_essay
from .access import moderator_required


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    essay = get_object_or_404(Essay.objects.published().select_related("section"), slug=slug)
    form = TakedownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = limit_consume(
            scope="takedown", ident=client_key(request), rate=Rate(settings.REDINK_TAKEDOWNS_PER_HOUR, 3600)
        )
        if not verdict.allowed:
            form.add_error(
                None,
                "Too many reports from your connection in the last hour. Your report is still here: "
                f"please send it again in {wait_phrase(verdict.retry_after)}.",
            )
        else:
            data = form.cleaned_data
            filed = takedown_file(
                essay=essay,
                name=data["name"],
                email=data["email"],
                claim=data["claim"],
                original_url=data["original_url"],
                actor=request.user,
            )
            return render(request, "submissions/report_done.html", {"essay": essay, "takedown": filed})
    return render(request, "submissions/report.html", {"essay": essay, "form": form})


@moderator_required
@require_safe
def takedowns(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", TakedownRequest.Status.OPEN)
    if status not in TakedownRequest.Status.values:
        status = ""
    return render(
        request,
        "submissions/moderation/takedowns.html",
        {
            "takedowns": selectors.takedown_queue(status=status),
            "status": status,
            "statuses": TakedownRequest.Status,
            "counts": selectors.status_counts(),
        },
    )


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def takedown(request: HttpRequest, takedown_id: int) -> HttpResponse:
    item = get_object_or_404(TakedownRequest.objects.select_related("essay", "handled_by"), pk=takedown_id)
    withdraw_form = TakedownWithdrawForm(request.POST if request.POST.get("action") == "withdraw" else None)
    answer_form = TakedownAnswerForm(request.POST if request.POST.get("action") == "answer" else None)
    if request.method == "POST":
        try:
            if withdraw_form.is_bound and withdraw_form.is_valid():
                takedown_withdraw_essay(takedown=item, moderator=request.user, note=withdraw_form.cleaned_data["note"])
                messages.success(request, f"“{item.essay.title}” is withdrawn; the requester is told.")
                return redirect("submissions:takedowns")
            if answer_form.is_bound and answer_form.is_valid():
                takedown_answer(takedown=item, moderator=request.user, answer=answer_form.cleaned_data["answer"])
                messages.success(request, "Answer sent.")
                return redirect("submissions:takedowns")
        except ModerationError as problem:
            messages.error(request, str(problem))
            return redirect("submissions:takedown", takedown_id=item.pk)
    return render(
        request,
        "submissions/moderation/takedown.html",
        {
            "takedown": item,
            "withdraw_form": withdraw_form,
            "answer_form": answer_form,
            "events": selectors.events_of(takedown=item),
        },
        status=400 if request.method == "POST" else 200,
    )
