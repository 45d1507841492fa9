"""Writes for teacher marking: applications and their decisions, reviews and their marks,
comment banks, and the essay's rating derived from its published reviews."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_changed

from .models import AssessmentObjective, BankComment, MarkingEvent, Review, ReviewMark, TeacherApplication, by_a_teacher
from .rating import wilson_stars


def event_log(
    *, action: str, actor: Any = None, application: Any = None, review: Any = None, comment: Any = None, note: str = ""
) -> None:
    MarkingEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        application=application,
        review=review,
        comment=comment,
        note=note,
    )


def _notify(kind: str, object_id: int) -> None:
    from .tasks import send_marking_email

    transaction.on_commit(lambda: send_marking_email.enqueue(kind, object_id))


# --- Teacher applications ------------------------------------------------------------------


class AlreadyApplied(Exception):
    """The user has an application waiting, or is a verified teacher already."""


@transaction.atomic
def application_submit(
    *,
    applicant: Any,
    institution: str,
    subjects: Any,
    qualification: str,
    experience: str = "",
    evidence: Any = None,
) -> TeacherApplication:
    if applicant.is_verified_teacher:
        raise AlreadyApplied("You are a verified teacher already.")
    if TeacherApplication.objects.filter(applicant=applicant, status=TeacherApplication.Status.PENDING).exists():
        raise AlreadyApplied("Your application is waiting for a moderator.")
    application = TeacherApplication.objects.create(
        applicant=applicant,
        institution=institution.strip(),
        qualification=qualification.strip(),
        experience=experience.strip(),
        evidence=evidence or "",
    )
    application.subjects.set(subjects)
    event_log(action=MarkingEvent.Action.APPLIED, actor=applicant, application=application)
    return application


def _decide(application: TeacherApplication, *, moderator: Any) -> TeacherApplication:
    locked = TeacherApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != TeacherApplication.Status.PENDING:
        raise ValidationError("This application has been decided already.")
    locked.decided_by, locked.decided_at = moderator, timezone.now()
    return locked


@transaction.atomic
def application_approve(*, application: TeacherApplication, moderator: Any, note: str = "") -> TeacherApplication:
    """Verify the teacher: the badge, full-text access and the "Mark essays" page follow from the flag."""
    application = _decide(application, moderator=moderator)
    application.status = TeacherApplication.Status.APPROVED
    application.decision_note = note.strip()
    application.save()
    teacher = application.applicant
    teacher.is_verified_teacher = True
    teacher.save(update_fields=["is_verified_teacher"])
    event_log(action=MarkingEvent.Action.APPROVED, actor=moderator, application=application, note=note)
    _notify("application", application.pk)
    return application


@transaction.atomic
def application_decline(
    *, application: TeacherApplication, moderator: Any, reason: str, note: str = ""
) -> TeacherApplication:
    if reason not in TeacherApplication.DeclineReason.values:
        raise ValidationError("Choose a reason from the list.")
    if reason == TeacherApplication.DeclineReason.OTHER and not note.strip():
        raise ValidationError("Say what the other reason is in the note.")
    application = _decide(application, moderator=moderator)
    application.status = TeacherApplication.Status.DECLINED
    application.decline_reason, application.decision_note = reason, note.strip()
    application.save()
    event_log(action=MarkingEvent.Action.DECLINED, actor=moderator, application=application, note=application.reason)
    _notify("application", application.pk)
    return application


def teacher_subject_ids(*, teacher: Any) -> set[int] | None:
    """The subjects a verified teacher marks: those of their approved applications; None (every
    subject) for a teacher verified by the admin flag alone."""
    ids = set(
        TeacherApplication.subjects.through.objects.filter(
            teacherapplication__applicant=teacher, teacherapplication__status=TeacherApplication.Status.APPROVED
        ).values_list("subject_id", flat=True)
    )
    return ids or None


def may_review(*, essay: Essay, user: Any) -> bool:
    """Verified teachers review published essays, never their own."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_verified_teacher):
        return False
    return essay.status == Essay.Status.PUBLISHED and essay.author_id != user.pk


# --- Reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewInput:
    stars: int
    strengths: str
    next_steps: str
    overall: str = ""
    total_override: int | None = None
    marks: Mapping[int, int | None] | None = None  # objective id -> marks (None: not marked)


def objectives_for(*, essay: Essay) -> list[AssessmentObjective]:
    """The assessment objectives of the essay's level and subject, with their mark bands."""
    return list(AssessmentObjective.objects.filter(subject_id=essay.subject_id).prefetch_related("bands"))


def _clean(essay: Essay, data: ReviewInput) -> dict[int, int]:
    errors: dict[str, list[str]] = {}
    if not 1 <= data.stars <= 5:
        errors["stars"] = ["Give between 1 and 5 stars."]
    if not data.strengths.strip():
        errors["strengths"] = ["Say what this essay does well."]
    if not data.next_steps.strip():
        errors["next_steps"] = ["Say what would lift it to the next grade."]
    objectives = {o.pk: o for o in objectives_for(essay=essay)}
    marks: dict[int, int] = {}
    for objective_id, value in (data.marks or {}).items():
        if value is None:
            continue
        objective = objectives.get(objective_id)
        if objective is None:
            errors.setdefault("marks", []).append("That objective is not one this essay is marked against.")
        elif not 0 <= value <= objective.max_marks:
            errors[f"mark_{objective_id}"] = [f"{objective.code} is out of {objective.max_marks}."]
        else:
            marks[objective_id] = value
    if data.total_override is not None:
        most = sum(o.max_marks for o in objectives.values())
        if not marks:
            errors["total_override"] = ["Give marks per objective before changing their total."]
        elif not 0 <= data.total_override <= most:
            errors["total_override"] = [f"The total is out of {most}."]
    if errors:
        raise ValidationError(errors)
    return marks


@transaction.atomic
def review_save(*, essay: Essay, teacher: Any, data: ReviewInput, publish: bool) -> Review:
    """Write (or rewrite) the teacher's one review of the essay, as a draft or published.

    Publishing for the first time e-mails the essay's author; a published review that changes is
    marked "edited". A review a moderator hid stays hidden until a moderator shows it."""
    if not may_review(essay=essay, user=teacher):
        raise ValidationError("Only verified teachers review essays, and never their own.")
    marks = _clean(essay, data)
    review = Review.objects.select_for_update().filter(essay=essay, teacher=teacher).first()
    was_published = review is not None and review.status == Review.Status.PUBLISHED
    before = _content(review) if review is not None else None
    if review is None:
        review = Review(essay=essay, teacher=teacher)
    review.stars = data.stars
    review.strengths = data.strengths.strip()
    review.next_steps = data.next_steps.strip()
    review.overall = data.overall.strip()
    review.total_override = data.total_override
    now = timezone.now()
    first_publication = publish and review.published_at is None
    if publish and review.status == Review.Status.DRAFT:
        review.status = Review.Status.PUBLISHED
        review.published_at = review.published_at or now
    review.save()
    ReviewMark.objects.filter(review=review).exclude(objective_id__in=marks).delete()
    for objective_id, value in marks.items():
        ReviewMark.objects.update_or_create(review=review, objective_id=objective_id, defaults={"marks": value})
    if was_published and _content(review) != before:
        review.edited_at = now
        review.save(update_fields=["edited_at"])
        event_log(action=MarkingEvent.Action.REVIEW_EDITED, actor=teacher, review=review)
    if first_publication:
        event_log(action=MarkingEvent.Action.REVIEW_PUBLISHED, actor=teacher, review=review)
        _notify("review_published", review.pk)
    if review.status == Review.Status.PUBLISHED:
        essay_rating_refresh(essay_id=essay.pk)
    return review


def _content(review: Review) -> tuple[Any, ...]:
    marks = tuple(sorted(ReviewMark.objects.filter(review=review).values_list("objective_id", "marks")))
    return (review.stars, review.strengths, review.next_steps, review.overall, review.total_override, marks)


@transaction.atomic
def review_hide(*, review: Review, moderator: Any, reason: str) -> Review:
    if not reason.strip():
        raise ValidationError("Say why the review is hidden: its teacher is told.")
    review.status = Review.Status.HIDDEN
    review.hidden_reason = reason.strip()
    review.save(update_fields=["status", "hidden_reason"])
    event_log(action=MarkingEvent.Action.REVIEW_HIDDEN, actor=moderator, review=review, note=review.hidden_reason)
    _notify("review_hidden", review.pk)
    essay_rating_refresh(essay_id=review.essay_id)
    return review


@transaction.atomic
def review_show(*, review: Review, moderator: Any) -> Review:
    review.status = Review.Status.PUBLISHED if review.published_at else Review.Status.DRAFT
    review.hidden_reason = ""
    review.save(update_fields=["status", "hidden_reason"])
    event_log(action=MarkingEvent.Action.REVIEW_SHOWN, actor=moderator, review=review)
    essay_rating_refresh(essay_id=review.essay_id)
    return review


def review_total(*, review: Review, marks: list[ReviewMark] | None = None) -> int | None:
    """The teacher's total: their override, else the sum of the marks per objective (None without marks)."""
    if review.total_override is not None:
        return review.total_override
    marks = list(review.marks.all()) if marks is None else marks
    return sum(m.marks for m in marks) if marks else None


# --- The essay's rating ----------------------------------------------------------------------


def essay_rating_refresh(*, essay_id: int) -> None:
    """Recompute the essay's review count, average stars, ranking score and "marked by a teacher"
    from its published reviews; listings, search and related lists follow on commit."""
    totals = Review.objects.filter(by_a_teacher(), essay_id=essay_id, status=Review.Status.PUBLISHED).aggregate(
        count=Count("pk"), stars=Sum("stars")
    )
    count, stars = totals["count"] or 0, totals["stars"] or 0
    fields = {
        "review_count": count,
        "rating_average": round(stars / count, 2) if count else 0.0,
        "rating_score": wilson_stars(count=count, stars_total=stars),
        "is_teacher_marked": count > 0,
    }
    current = Essay.objects.filter(pk=essay_id).values(*fields).first()
    if current is None:
        return
    if current != fields:
        Essay.objects.filter(pk=essay_id).update(**fields)
        if current["is_teacher_marked"] != fields["is_teacher_marked"]:
            essay_changed(essay_id=essay_id)  # the search rows and related cards show the badge


# --- Comment bank ------------------------------------------------------------------------------


def bank_comment_add(*, teacher: Any, text: str, objective_code: str = "") -> BankComment:
    if not text.strip():
        raise ValidationError({"text": ["Write the comment you want to reuse."]})
    return BankComment.objects.create(teacher=teacher, text=text.strip(), objective_code=objective_code.strip().upper())


def bank_comment_delete(*, teacher: Any, comment_id: int) -> bool:
    return BankComment.objects.filter(teacher=teacher, pk=comment_id).delete()[0] > 0
