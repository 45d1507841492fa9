"""The essays a search page lists, read as plain rows rather than model instances.

A result card shows an essay's title, address, taxonomy names, figures and Save button, never
its text (the snippet comes from the search backend, through the access rules). Building five
model instances per result (`for_listing`: the essay, its section, subject, level and author)
was about a third of the page around the engine; one `values()` query over the same join gives
the same card for a fraction of that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from redink.accounts.models import User
from redink.catalogue.models import Essay


@dataclass(frozen=True)
class Named:
    """A level, subject or section as a card names it."""

    slug: str
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListedEssay:
    """What a result card (and the API's essay card) shows of an essay."""

    pk: int
    slug: str
    title: str
    status: str
    level: Named
    subject: Named
    section: Named
    author_name: str
    word_count: int
    published_at: datetime | None
    exam_board: str
    year: int | None
    grade: str
    is_teacher_marked: bool
    review_count: int
    rating_average: float
    rating_score: float
    reading_count: int
    comment_count: int

    @property
    def id(self) -> int:
        return self.pk

    def get_absolute_url(self) -> str:
        return reverse("catalogue:essay", kwargs={"slug": self.slug})


_COLUMNS = (
    "pk", "slug", "title", "status", "word_count", "published_at", "exam_board", "year", "grade",
    "is_teacher_marked", "review_count", "rating_average", "rating_score", "reading_count", "comment_count",
    "level__slug", "level__name", "subject__slug", "subject__name", "section__slug", "section__name",
    "author_id", "author__display_name",
)  # fmt: skip


def listed_essays(*, ids: Iterable[int]) -> dict[int, ListedEssay]:
    """Essay id → its card's fields, in one query."""
    found = {}
    for row in Essay.objects.filter(pk__in=list(ids)).order_by().values_list(*_COLUMNS):
        (pk, slug, title, status, words, published, board, year, grade, marked, reviews, rating, score, readings,
         comments, level_slug, level_name, subject_slug, subject_name, section_slug, section_name,
         author_id, display_name) = row  # fmt: skip
        found[pk] = ListedEssay(
            pk=pk,
            slug=slug,
            title=title,
            status=status,
            level=Named(level_slug, level_name),
            subject=Named(subject_slug, subject_name),
            section=Named(section_slug, section_name),
            author_name=_author_name(author_id, display_name),
            word_count=words,
            published_at=published,
            exam_board=board,
            year=year,
            grade=grade,
            is_teacher_marked=marked,
            review_count=reviews,
            rating_average=rating,
            rating_score=score,
            reading_count=readings,
            comment_count=comments,
        )
    return found


def _author_name(author_id: int | None, display_name: str | None) -> str:
    """`Essay.author_name` from the row (`User.public_name` on a user made of the two columns,
    so that the rule stays the account's)."""
    if author_id is None:
        return "Former contributor"
    return User(pk=author_id, display_name=display_name or "").public_name
