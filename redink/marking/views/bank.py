"""A teacher's comment bank (/teach/comments/): the comments they reuse in reviews, each
optionally for one assessment objective. The review page's script adds to it too, asking for
JSON."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from ..models import AssessmentObjective, BankComment
from ..services import bank_comment_add, bank_comment_delete
from .reviews import verified_teacher_required

BANK_COMMENT_MAX_CHARACTERS = 2000


class BankCommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=BANK_COMMENT_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the comment you want to reuse."},
    )
    objective_code = forms.CharField(
        label="Assessment objective",
        max_length=12,
        required=False,
        help_text="A code such as AO2, to find the comment beside that objective's marks.",
        widget=forms.TextInput(attrs={"list": "objective-codes", "autocomplete": "off", "class": "code-input"}),
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@verified_teacher_required
@require_http_methods(["GET", "HEAD", "POST"])
def bank(request: HttpRequest) -> HttpResponse:
    form = BankCommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                comment = bank_comment_add(
                    teacher=request.user,
                    text=form.cleaned_data["text"],
                    objective_code=form.cleaned_data["objective_code"],
                )
            except ValidationError as refused:
                form.add_error("text", refused)
            else:
                if _wants_json(request):
                    return JsonResponse(
                        {"id": comment.pk, "text": comment.text, "objective_code": comment.objective_code}, status=201
                    )
                messages.success(request, "Comment saved to your bank.")
                return redirect("marking:bank")
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    comments = list(BankComment.objects.filter(teacher_id=request.user.pk))
    codes = sorted(set(AssessmentObjective.objects.values_list("code", flat=True)))
    return render(
        request,
        "marking/bank.html",
        {"form": form, "comments": comments, "codes": codes},
        status=400 if form.errors else 200,
    )


@verified_teacher_required
@require_POST
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    if bank_comment_delete(teacher=request.user, comment_id=comment_id):
        messages.success(request, "Comment deleted from your bank.")
    else:
        messages.error(request, "That comment was not in your bank.")
    return redirect("marking:bank")


urlpatterns = [
    path("teach/comments/", bank, name="bank"),
    path("teach/comments/<int:comment_id>/delete/", delete, name="bank-delete"),
]
