"""Teachers and applicants: what verified teachers do and where one's application stands
(/teach/), the application form, and the essays waiting for a review (/teach/mark/).
Moderators: the queue of applications, one application with its evidence, and the decision."""

from __future__ import annotations

from math import ceil
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from redink.core.ratelimit import Rate, limit_consume, wait_phrase
from redink.submissions import selectors as submission_selectors
from redink.submissions.storage import private_file_download
from redink.submissions.views.access import moderator_required

from .. import selectors
from ..forms import ApplicationForm, ApproveForm, DeclineForm, MarkFilterForm
from ..models import TeacherApplication
from ..services import AlreadyApplied, application_approve, application_decline, application_submit, teacher_subject_ids

# --- Applicants ----------------------------------------------------------------------------------


def _is_teacher(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_verified_teacher)


@login_required
@require_safe
def teach(request: HttpRequest) -> HttpResponse:
    user = request.user
    latest = selectors.application_latest(user=user)
    context: dict[str, Any] = {
        "application": latest,
        "application_groups": selectors.subjects_grouped(subjects=latest.subjects.all()) if latest else [],
    }
    if _is_teacher(user):
        subject_ids = teacher_subject_ids(teacher=user)
        context.update(
            state="verified",
            every_subject=subject_ids is None,
            subject_groups=selectors.subjects_by_level(subject_ids=subject_ids) if subject_ids else [],
            waiting=selectors.essays_to_mark(teacher=user, subject_ids=subject_ids).count(),
        )
    elif latest is not None and latest.status != TeacherApplication.Status.APPROVED:
        context["state"] = latest.status  # pending or declined
    else:
        context["state"] = "none"
    return render(request, "marking/teach.html", context)


APPLICATION_LIMIT_SCOPE = "teacher-application"


def _application_rate() -> Rate:
    return Rate(int(settings.REDINK_TEACHER_APPLICATIONS_PER_DAY), 86400)


def _wait_words(seconds: int) -> str:
    if seconds < 3600:
        return wait_phrase(seconds)
    hours = ceil(seconds / 3600)
    return "about an hour" if hours == 1 else f"about {hours} hours"


def _already_applied(user: Any, latest: TeacherApplication | None) -> str:
    """Why this user may not apply now ("" when they may)."""
    if user.is_verified_teacher:
        return "You are a verified teacher already, so there is nothing to apply for."
    if latest is not None and latest.status == TeacherApplication.Status.PENDING:
        sent = date_format(timezone.localtime(latest.created_at), "j F Y")
        return (
            f"Your application of {sent} is waiting for a moderator. You can send another once it is decided; "
            "we e-mail you then."
        )
    return ""


def _initial_from(latest: TeacherApplication | None) -> dict[str, Any]:
    """Applying again starts from the declined application, so only what was missing need be added."""
    if latest is None or latest.status != TeacherApplication.Status.DECLINED:
        return {}
    return {
        "institution": latest.institution,
        "subjects": [s.pk for s in latest.subjects.all()],
        "qualification": latest.qualification,
        "experience": latest.experience,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    latest = selectors.application_latest(user=user)
    refusal = _already_applied(user, latest)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        initial=_initial_from(latest),
        refused_upload=getattr(request, "refused_upload", None),
    )
    status, limit_message = 200, ""
    if request.method == "POST" and refusal:
        status = 409
    elif request.method == "POST":
        rate = _application_rate()
        verdict = limit_consume(scope=APPLICATION_LIMIT_SCOPE, ident=f"user:{user.pk}", rate=rate)
        if not verdict.allowed:
            status = 429
            limit_message = (
                f"You have sent this form {rate.limit} times today, the most we take in a day. "
                f"You can send it again in {_wait_words(verdict.retry_after)}."
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                application_submit(
                    applicant=user,
                    institution=data["institution"],
                    subjects=data["subjects"],
                    qualification=data["qualification"],
                    experience=data["experience"],
                    evidence=data.get("evidence"),
                )
            except (AlreadyApplied, IntegrityError):  # sent twice at once: the first one counts
                latest = selectors.application_latest(user=user)
                refusal, status = _already_applied(user, latest) or "You have applied already.", 409
            else:
                messages.success(
                    request,
                    f"Thank you: your application is with the moderators. We will e-mail you at {user.email} "
                    "once it is decided.",
                )
                return redirect("marking:teach")
        else:
            status = 413 if getattr(request, "refused_upload", None) is not None else 400
    return render(
        request,
        "marking/apply.html",
        {
            "form": form,
            "refusal": refusal,
            "limit_message": limit_message,
            "declined": latest if latest is not None and latest.status == TeacherApplication.Status.DECLINED else None,
        },
        status=status,
    )


@login_required
@require_safe
def mark(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not _is_teacher(user):
        messages.info(request, "Mark essays is for verified teachers; this page says how to become one.")
        return redirect("marking:teach")
    subject_ids = teacher_subject_ids(teacher=user)
    groups = selectors.subjects_by_level(subject_ids=subject_ids)
    filters = MarkFilterForm(request.GET or None, groups=groups, every_subject=subject_ids is None)
    subject_id = filters.cleaned_data["subject"] if filters.is_valid() else None
    essays = selectors.essays_to_mark(teacher=user, subject_ids=subject_ids, subject_id=subject_id)
    page = Paginator(essays, settings.REDINK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "marking/mark.html",
        {
            "filters": filters,
            "page_obj": page,
            "every_subject": subject_ids is None,
            "filtered": subject_id is not None,
        },
    )


# --- Moderators ------------------------------------------------------------------------------------


def _nav_counts() -> dict[str, int]:
    return {**submission_selectors.status_counts(), "teachers": selectors.application_pending_count()}


@moderator_required
@require_safe
def applications(request: HttpRequest) -> HttpResponse:
    status_filter = request.GET.get("status", selectors.DEFAULT_QUEUE_FILTER)
    if status_filter not in selectors.QUEUE_FILTERS:
        status_filter = selectors.DEFAULT_QUEUE_FILTER
    page = Paginator(selectors.application_queue(status_filter=status_filter), settings.REDINK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "marking/moderation/applications.html",
        {
            "page_obj": page,
            "status_filter": status_filter,
            "status_filters": [(key, label) for key, (label, _) in selectors.QUEUE_FILTERS.items()],
            "counts": _nav_counts(),
        },
    )


def _get_application(application_id: int) -> TeacherApplication:
    application = selectors.application_for_review(application_id=application_id)
    if application is None:
        raise Http404("No teacher application has that number.")
    return application


def _application_page(
    request: HttpRequest,
    application: TeacherApplication,
    *,
    approve: ApproveForm | None = None,
    decline: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "marking/moderation/application.html",
        {
            "application": application,
            "subject_groups": selectors.subjects_grouped(subjects=application.subjects.all()),
            "evidence_name": PurePath(application.evidence.name).name if application.evidence else "",
            "events": selectors.application_events(application=application),
            "earlier": selectors.applications_earlier(application=application),
            "approve": approve or ApproveForm(prefix="approve"),
            "decline": decline or DeclineForm(prefix="decline"),
            "counts": _nav_counts(),
        },
        status=status,
    )


@moderator_required
@require_safe
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_page(request, _get_application(application_id))


@moderator_required
@require_POST
def approve(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _get_application(application_id)
    form = ApproveForm(request.POST, prefix="approve")
    if not form.is_valid():
        return _application_page(request, application, approve=form, status=400)
    try:
        application_approve(application=application, moderator=request.user, note=form.cleaned_data["note"])
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("marking:application", application_id=application.pk)
    name = application.applicant.public_name
    messages.success(request, f"Approved: {name} is a verified teacher now, and has been e-mailed.")
    return redirect("marking:applications")


@moderator_required
@require_POST
def decline(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _get_application(application_id)
    form = DeclineForm(request.POST, prefix="decline")
    if not form.is_valid():
        return _application_page(request, application, decline=form, status=400)
    try:
        application_decline(
            application=application,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("marking:application", application_id=application.pk)
    name = application.applicant.public_name
    messages.success(request, f"Declined {name}'s application; they have been e-mailed the reason.")
    return redirect("marking:applications")


@moderator_required
@require_safe
def evidence(request: HttpRequest, application_id: int) -> HttpResponseBase:
    """The evidence exactly as uploaded, always as a download (never rendered: it may be hostile)."""
    application = _get_application(application_id)
    if not application.evidence:
        raise Http404("This application came without evidence.")
    return private_file_download(application.evidence, filename=PurePath(application.evidence.name).name)


urlpatterns: list[URLPattern] = [
    path("teach/", teach, name="teach"),
    path("teach/apply/", apply, name="apply"),
    path("teach/mark/", mark, name="mark"),
    path("moderation/teachers/", applications, name="applications"),
    path("moderation/teachers/<int:application_id>/", application, name="application"),
    path("moderation/teachers/<int:application_id>/approve/", approve, name="application-approve"),
    path("moderation/teachers/<int:application_id>/decline/", decline, name="application-decline"),
    path("moderation/teachers/<int:application_id>/evidence/", evidence, name="application-evidence"),
]
