"""Reads for the reviews an essay page shows.

Stars, counts, reviewers' names and marks are public. What teachers wrote (what the essay does
well, what would lift it) may quote the hidden part of the essay, so it is loaded only for a
viewer who may read the essay in full (`redink.access.visibility.can_read_full`): for anyone
else it is neither fetched from the database nor handed to the template.

The page asks for at most two queries here whatever the number of reviews (the reviews with
their teachers and the subject's total marks, then every mark with its objective), and none at
all for an essay nobody has reviewed when the viewer has no review of their own to find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from redink.access.visibility import can_read_full
from redink.catalogue.models import Essay

from .models import FORMER_TEACHER, AssessmentObjective, Review, ReviewMark
from .services import may_review, review_total

MAX_STARS = 5


@dataclass(frozen=True)
class ObjectiveMark:
    code: str
    title: str
    marks: int
    max_marks: int


@dataclass(frozen=True)
class ReviewText:
    """What the teacher wrote: only ever built for a viewer who reads the essay in full."""

    strengths: str
    next_steps: str


@dataclass(frozen=True)
class ReviewCard:
    id: int
    teacher: Any
    stars: int
    published_at: datetime | None
    edited_at: datetime | None
    overall: str
    marks: tuple[ObjectiveMark, ...]
    total: int | None
    total_max: int
    is_hidden: bool = False
    hidden_reason: str = ""
    text: ReviewText | None = None

    @property
    def teacher_name(self) -> str:
        return str(self.teacher.public_name) if self.teacher is not None else FORMER_TEACHER

    @property
    def teacher_is_verified(self) -> bool:
        """A former teacher's reviews are kept only if they were a verified teacher's."""
        return self.teacher is None or bool(self.teacher.is_verified_teacher)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def star_marks(self) -> str:
        return stars_drawn(stars=self.stars)


@dataclass(frozen=True)
class EssayReviews:
    count: int
    average: float
    cards: tuple[ReviewCard, ...] = ()
    with_text: bool = False
    may_review: bool = False
    may_moderate: bool = False
    own: Review | None = field(default=None)

    @property
    def star_marks(self) -> str:
        return stars_drawn(stars=round(self.average + 1e-9)) if self.count else ""

    @property
    def average_shown(self) -> str:
        return f"{self.average:.1f}"


def stars_drawn(*, stars: int) -> str:
    stars = max(0, min(MAX_STARS, stars))
    return "★" * stars + "☆" * (MAX_STARS - stars)


def essay_reviews_for(*, essay: Essay, viewer: Any) -> EssayReviews:
    """The essay's published reviews as this viewer may see them (moderators see hidden ones
    too, marked), and the viewer's own review if they wrote one."""
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active
    moderator = bool(signed_in and viewer.is_staff)
    reviewer = may_review(essay=essay, user=viewer)
    with_text = can_read_full(essay=essay, viewer=viewer)
    count, average = essay.review_count, essay.rating_average if essay.review_count else 0.0
    if not (count or moderator or reviewer):
        return EssayReviews(count=count, average=average, with_text=with_text)

    wanted = Q(status=Review.Status.PUBLISHED)
    if moderator:
        wanted |= Q(status=Review.Status.HIDDEN)
    if reviewer:
        wanted |= Q(teacher_id=viewer.pk)
    subject_total = (
        AssessmentObjective.objects.filter(subject_id=OuterRef("essay__subject_id"))
        .order_by()
        .values("subject_id")
        .annotate(most=Sum("max_marks"))
        .values("most")
    )
    queryset = (
        Review.objects.filter(wanted, essay_id=essay.pk)
        .select_related("teacher")
        .annotate(total_max=Coalesce(Subquery(subject_total, output_field=IntegerField()), 0))
        .prefetch_related(
            Prefetch("marks", queryset=ReviewMark.objects.select_related("objective").order_by("objective__position"))
        )
    )
    if not with_text:
        # Never read from the database what this viewer may not be sent.
        queryset = queryset.defer("strengths", "next_steps", "hidden_reason")

    own: Review | None = None
    cards: list[ReviewCard] = []
    for review in queryset:
        if reviewer and review.teacher_id == viewer.pk:
            own = review
        if review.status == Review.Status.PUBLISHED or (moderator and review.status == Review.Status.HIDDEN):
            cards.append(_card(review, with_text=with_text, moderator=moderator))
    return EssayReviews(
        count=count,
        average=average,
        cards=tuple(cards),
        with_text=with_text,
        may_review=reviewer,
        may_moderate=moderator,
        own=own,
    )


def _card(review: Review, *, with_text: bool, moderator: bool) -> ReviewCard:
    marks = list(review.marks.all())
    hidden = review.status == Review.Status.HIDDEN
    return ReviewCard(
        id=review.pk,
        teacher=review.teacher,
        stars=review.stars,
        published_at=review.published_at,
        edited_at=review.edited_at,
        overall=review.overall,
        marks=tuple(ObjectiveMark(m.objective.code, m.objective.title, m.marks, m.objective.max_marks) for m in marks),
        total=review_total(review=review, marks=marks),
        total_max=getattr(review, "total_max", 0) or 0,
        is_hidden=hidden,
        hidden_reason=review.hidden_reason if (hidden and moderator and with_text) else "",
        text=ReviewText(review.strengths, review.next_steps) if with_text else None,
    )
