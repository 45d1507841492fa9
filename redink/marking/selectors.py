"""Reads for teacher marking: a user's application, the moderators' queue, the catalogue's
subjects grouped by level, and the essays waiting for a verified teacher's review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from redink.catalogue.models import Essay, Level, Subject

from .models import MarkingEvent, Review, TeacherApplication

# --- Applications ------------------------------------------------------------------------------

QUEUE_FILTERS = {
    "pending": ("Waiting", TeacherApplication.Status.PENDING),
    "approved": ("Approved", TeacherApplication.Status.APPROVED),
    "declined": ("Declined", TeacherApplication.Status.DECLINED),
    "all": ("All", None),
}
DEFAULT_QUEUE_FILTER = "pending"


def application_latest(*, user: Any) -> TeacherApplication | None:
    """The user's most recent application, whatever became of it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        TeacherApplication.objects.filter(applicant=user)
        .prefetch_related("subjects__level")
        .order_by("-created_at", "-id")
        .first()
    )


def application_pending_count() -> int:
    return TeacherApplication.objects.filter(status=TeacherApplication.Status.PENDING).count()


def application_queue(*, status_filter: str = DEFAULT_QUEUE_FILTER) -> QuerySet[TeacherApplication]:
    """Waiting applications oldest first (first come, first decided); decided ones latest decision first."""
    _, status = QUEUE_FILTERS.get(status_filter, QUEUE_FILTERS[DEFAULT_QUEUE_FILTER])
    applications = TeacherApplication.objects.select_related("applicant", "decided_by").prefetch_related(
        "subjects__level"
    )
    if status is None:
        return applications.order_by("-created_at", "-id")
    applications = applications.filter(status=status)
    if status == TeacherApplication.Status.PENDING:
        return applications.order_by("created_at", "id")
    return applications.order_by("-decided_at", "-id")


def application_for_review(*, application_id: int) -> TeacherApplication | None:
    return (
        TeacherApplication.objects.select_related("applicant", "decided_by")
        .prefetch_related("subjects__level")
        .filter(pk=application_id)
        .first()
    )


def application_events(*, application: TeacherApplication) -> QuerySet[MarkingEvent]:
    return MarkingEvent.objects.filter(application=application).select_related("actor")


def applications_earlier(*, application: TeacherApplication) -> QuerySet[TeacherApplication]:
    """The applicant's other applications, newest first, for the moderator deciding this one."""
    return (
        TeacherApplication.objects.filter(applicant_id=application.applicant_id)
        .exclude(pk=application.pk)
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class LevelSubjects:
    level: Level
    subjects: list[Subject]


def subjects_by_level(*, subject_ids: set[int] | None = None) -> list[LevelSubjects]:
    """The catalogue's subjects grouped by level in the catalogue's order (only `subject_ids`, if given)."""
    subjects = Subject.objects.select_related("level").order_by("level__position", "level__name", "name")
    if subject_ids is not None:
        subjects = subjects.filter(pk__in=subject_ids)
    groups: dict[int, LevelSubjects] = {}
    for subject in subjects:
        groups.setdefault(subject.level_id, LevelSubjects(level=subject.level, subjects=[])).subjects.append(subject)
    return list(groups.values())


def subjects_grouped(*, subjects: Any) -> list[LevelSubjects]:
    """Already loaded subjects (with their levels) grouped by level, in the catalogue's order."""
    ordered = sorted(subjects, key=lambda s: (s.level.position, s.level.name, s.name))
    groups: dict[int, LevelSubjects] = {}
    for subject in ordered:
        groups.setdefault(subject.level_id, LevelSubjects(level=subject.level, subjects=[])).subjects.append(subject)
    return list(groups.values())


# --- Essays to mark ----------------------------------------------------------------------------


def essays_to_mark(*, teacher: Any, subject_ids: set[int] | None, subject_id: int | None = None) -> QuerySet[Essay]:
    """Published essays in the teacher's subjects (None: every subject) with no published review
    yet, newest first, never the teacher's own. Each carries `my_review_status`: the status of the
    teacher's own review of it ("draft", "hidden"), or None."""
    has_published_review = Review.objects.filter(essay=OuterRef("pk"), status=Review.Status.PUBLISHED)
    my_review = Review.objects.filter(essay=OuterRef("pk"), teacher=teacher).values("status")[:1]
    essays = (
        Essay.objects.published()
        .for_listing()
        .filter(~Exists(has_published_review))
        .exclude(author=teacher)
        .annotate(my_review_status=Subquery(my_review))
        .order_by("-published_at", "-id")
    )
    if subject_ids is not None:
        essays = essays.filter(subject_id__in=subject_ids)
    if subject_id is not None:
        essays = essays.filter(subject_id=subject_id)
    return essays
