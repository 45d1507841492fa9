"""The sections of "Export my data", one function each: what `user_data` gathers, as JSON-able
values (dates in ISO 8601, UTC), and where the user's files go inside the archive.

Each reads only; none gives another person's personal data (a moderator's name, a requester's
address), only what the user wrote or what is about them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from redink.core.links import site_url


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def safe_name(name: str, *, fallback: str) -> str:
    """A file name for inside the zip: no folders, nothing odd, never empty."""
    base = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    return base[:100] or fallback


def upload_name(submission: Any) -> str:
    stored = submission.file.name or ""
    suffix = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
    return f"uploads/{submission.pk}-{safe_name(submission.original_filename, fallback=f'upload.{suffix}')}"


def evidence_name(application: Any) -> str:
    return f"uploads/teacher-evidence/{application.pk}-{safe_name(application.evidence.name, fallback='evidence')}"


def avatar_name(user: Any) -> str:
    return f"uploads/avatar/{safe_name(user.avatar.name, fallback='avatar')}"


def essay_ref(essay: Any) -> dict[str, Any] | None:
    if essay is None:
        return None
    published = essay.status == "published"
    return {"title": essay.title, "address": site_url(essay.get_absolute_url()) if published else None}


def account(user: Any) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "name_shown_to_others": user.public_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "year_of_birth": user.birth_year,
        "author_page_public": user.profile_public,
        "author_page": site_url(user.author_page_url) if user.author_page_url else None,
        "picture": avatar_name(user) if user.avatar else None,
        "verified_teacher": user.is_verified_teacher,
        "staff": user.is_staff,
        "active": user.is_active,
        "joined_at": iso(user.date_joined),
        "last_login_at": iso(user.last_login),
    }


def payments(user: Any) -> dict[str, Any]:
    from redink.billing.models import BillingCustomer, Subscription

    customers = BillingCustomer.objects.filter(user=user).order_by("created_at")
    subscriptions = Subscription.objects.filter(user=user).select_related("plan").order_by("started_at", "pk")
    return {
        "customers": [
            {"stripe_customer": c.stripe_id, "mode": c.mode, "created_at": iso(c.created_at)} for c in customers
        ],
        "subscriptions": [
            {
                "stripe_subscription": s.stripe_id,
                "stripe_customer": s.customer_id,
                "mode": s.mode,
                "plan": s.plan.name if s.plan else None,
                "status": s.status,
                "amount_minor_units": s.amount,
                "currency": s.currency,
                "interval": s.interval,
                "started_at": iso(s.started_at),
                "current_period_start": iso(s.current_period_start),
                "current_period_end": iso(s.current_period_end),
                "cancel_at_period_end": s.cancel_at_period_end,
                "cancel_at": iso(s.cancel_at),
                "canceled_at": iso(s.canceled_at),
                "ended_at": iso(s.ended_at),
                "latest_invoice": s.latest_invoice_id,
                "latest_invoice_status": s.latest_invoice_status,
                "latest_payments": [str(p) for p in (s.latest_payment_intents or []) if isinstance(p, str)],
            }
            for s in subscriptions
        ],
    }


def essays(user: Any) -> list[dict[str, Any]]:
    from redink.access.visibility import essay_text_for
    from redink.catalogue.models import Essay

    rows = Essay.objects.filter(author=user).select_related("section__subject__level").order_by("created_at", "pk")
    return [
        {
            "title": e.title,
            "status": e.status,
            "address": site_url(e.get_absolute_url()) if e.status == "published" else None,
            "level": e.section.subject.level.name,
            "subject": e.section.subject.name,
            "section": e.section.name,
            "exam_board": e.exam_board,
            "year": e.year,
            "grade": e.grade,
            "word_count": e.word_count,
            "times_read": e.reading_count,
            "teacher_reviews": e.review_count,
            "created_at": iso(e.created_at),
            "published_at": iso(e.published_at),
            "updated_at": iso(e.updated_at),
            "text": "\n\n".join(essay_text_for(essay=e, viewer=user).blocks),
        }
        for e in rows
    ]


def uploads(user: Any) -> list[dict[str, Any]]:
    from redink.submissions.models import Submission

    rows = (
        Submission.objects.filter(contributor=user)
        .select_related("section__subject__level", "essay")
        .prefetch_related("events")
        .order_by("created_at", "pk")
    )
    return [
        {
            "number": s.pk,
            "title": s.title,
            "status": s.status,
            "status_label": s.get_status_display(),
            "how": s.get_source_display(),
            "section": f"{s.section.subject.level.name} {s.section.subject.name}: {s.section.name}",
            "exam_board": s.exam_board,
            "year": s.year,
            "grade": s.grade,
            "file_name": s.original_filename or None,
            "file_in_archive": upload_name(s) if s.file else None,
            "file_size_bytes": s.file_size if s.file else None,
            "file_sha256": s.file_sha256 or None,
            "pasted_text": s.pasted_text or None,
            "word_count": s.word_count,
            "why_not_published": str(s.reason) if s.status in ("failed", "rejected") else None,
            "rejection_note": s.rejection_note or None,
            "flagged_as_partial_copy": s.is_flagged,
            "declared_own_work": s.declaration,
            "licence_version": s.licence_version,
            "became_essay": essay_ref(s.essay),
            "created_at": iso(s.created_at),
            "processed_at": iso(s.processed_at),
            "decided_at": iso(s.decided_at),
            "history": [
                {"what": event.get_action_display(), "at": iso(event.created_at)}
                for event in sorted(s.events.all(), key=lambda event: (event.created_at, event.pk))
            ],
        }
        for s in rows
    ]


def teacher_applications(user: Any) -> list[dict[str, Any]]:
    from redink.marking.models import TeacherApplication

    rows = (
        TeacherApplication.objects.filter(applicant=user)
        .prefetch_related("subjects__level")
        .order_by("created_at", "pk")
    )
    return [
        {
            "institution": a.institution,
            "subjects": sorted(f"{s.level.name} {s.name}" for s in a.subjects.all()),
            "qualification": a.qualification,
            "experience": a.experience,
            "evidence_in_archive": evidence_name(a) if a.evidence else None,
            "status": a.status,
            "reason": a.reason or None,
            "created_at": iso(a.created_at),
            "decided_at": iso(a.decided_at),
        }
        for a in rows
    ]


def reviews(user: Any) -> list[dict[str, Any]]:
    from redink.marking.models import Review

    rows = (
        Review.objects.filter(teacher=user)
        .select_related("essay")
        .prefetch_related("marks__objective")
        .order_by("created_at", "pk")
    )
    return [
        {
            "essay": essay_ref(r.essay),
            "stars": r.stars,
            "strengths": r.strengths,
            "next_steps": r.next_steps,
            "overall": r.overall,
            "total_override": r.total_override,
            "marks": [
                {"objective": m.objective.code, "marks": m.marks, "out_of": m.objective.max_marks}
                for m in r.marks.all()
            ],
            "status": r.status,
            "hidden_reason": r.hidden_reason or None,
            "created_at": iso(r.created_at),
            "published_at": iso(r.published_at),
            "edited_at": iso(r.edited_at),
        }
        for r in rows
    ]


def margin_comments(user: Any) -> list[dict[str, Any]]:
    from redink.marking.models import MarginComment

    rows = MarginComment.objects.filter(teacher=user).select_related("essay").order_by("created_at", "pk")
    return [
        {
            "essay": essay_ref(c.essay),
            "comment": c.body,
            "passage": c.exact,
            "passage_when_written": c.original_exact,
            "state": c.get_state_display(),
            "hidden": c.is_hidden,
            "hidden_reason": c.hidden_reason or None,
            "created_at": iso(c.created_at),
            "modified_at": iso(c.modified_at),
        }
        for c in rows
    ]


def actions_logged(user: Any) -> list[dict[str, Any]]:
    from django.contrib.admin.models import LogEntry

    from redink.marking.models import MarkingEvent, TeacherApplication
    from redink.submissions.models import ModerationEvent, Submission, TakedownRequest

    actions: list[dict[str, Any]] = []
    for event in ModerationEvent.objects.filter(actor=user):
        record = f"upload {event.submission_id}" if event.submission_id else f"essay {event.essay_id}"
        actions.append({"what": event.get_action_display(), "record": record, "at": iso(event.created_at)})
    for marking in MarkingEvent.objects.filter(actor=user):
        record = f"review {marking.review_id}" if marking.review_id else f"application {marking.application_id}"
        actions.append({"what": marking.get_action_display(), "record": record, "at": iso(marking.created_at)})
    for upload in Submission.objects.filter(decided_by=user).only("pk", "status", "decided_at"):
        what = f"Decided an upload: {upload.get_status_display()}"
        actions.append({"what": what, "record": f"upload {upload.pk}", "at": iso(upload.decided_at)})
    for takedown in TakedownRequest.objects.filter(handled_by=user).only("pk", "status", "handled_at"):
        what = f"Handled a takedown request: {takedown.get_status_display()}"
        actions.append({"what": what, "record": takedown.reference, "at": iso(takedown.handled_at)})
    for application in TeacherApplication.objects.filter(decided_by=user).only("pk", "status", "decided_at"):
        what = f"Decided a teacher application: {application.get_status_display()}"
        actions.append({"what": what, "record": f"application {application.pk}", "at": iso(application.decided_at)})
    flags = {1: "Added", 2: "Changed", 3: "Deleted"}
    for entry in LogEntry.objects.filter(user=user).select_related("content_type"):
        content_type: Any = entry.content_type
        kind = content_type.model if content_type is not None else "record"
        what = f"{flags.get(entry.action_flag, 'Changed')} in the admin site"
        actions.append({"what": what, "record": f"{kind} {entry.object_id}", "at": iso(entry.action_time)})
    return sorted(actions, key=lambda action: action["at"] or "")
