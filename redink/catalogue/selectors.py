"""Reads for the catalogue pages. Each listing costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from redink.related.selectors import with_related_cards

from .models import DEFAULT_SORT, SORTS, Essay, Level, Section, Subject

_PUBLISHED = Essay.Status.PUBLISHED


def levels_with_counts() -> QuerySet[Level]:
    return Level.objects.annotate(
        essay_count=Count("subjects__sections__essays", filter=Q(subjects__sections__essays__status=_PUBLISHED))
    ).order_by("position", "name")


def subjects_with_counts(*, level: Level) -> QuerySet[Subject]:
    return (
        Subject.objects.filter(level=level)
        .select_related("level")
        .annotate(essay_count=Count("sections__essays", filter=Q(sections__essays__status=_PUBLISHED)))
    )


def sections_with_counts(*, subject: Subject) -> QuerySet[Section]:
    return (
        Section.objects.filter(subject=subject)
        .select_related("subject__level")
        .annotate(essay_count=Count("essays", filter=Q(essays__status=_PUBLISHED)))
    )


def published_essay_count() -> int:
    return Essay.objects.published().count()


def over_count_phrase(count: int) -> str:
    """'Over 1,240 pieces of student written work': the count rounded down, never typed in."""
    if count < 20:
        noun = "piece" if count == 1 else "pieces"
        return f"{count:,} {noun} of student written work"
    step = 10 if count < 1000 else 10 ** (len(str(count)) - 3)
    shown = (count - 1) // step * step
    return f"Over {shown:,} pieces of student written work"


def recent_essays(*, limit: int = 8) -> QuerySet[Essay]:
    return Essay.objects.published().for_listing().sorted_by("newest")[:limit]


def popular_essays(*, limit: int = 8) -> QuerySet[Essay]:
    return Essay.objects.published().for_listing().sorted_by("most-read")[:limit]


@dataclass(frozen=True)
class Listing:
    page: Page[Essay]
    sort: str
    sorts: list[tuple[str, str]]


def essay_listing(*, scope: dict[str, Any], sort: str | None, page: Any, per_page: int) -> Listing:
    """A page of published essays within `scope` (level, subject or section filters)."""
    chosen = sort if sort in SORTS else DEFAULT_SORT
    queryset = Essay.objects.published().filter(**scope).for_listing().sorted_by(chosen)
    paginator = Paginator(queryset, per_page)
    return Listing(
        page=paginator.get_page(page),
        sort=chosen,
        sorts=[(key, label) for key, (label, _) in SORTS.items()],
    )


def essay_for_page(*, slug: str, with_related: bool = True) -> Essay | None:
    """The essay at `slug` with what its page shows; its related cards come in the same
    query where the database makes that cheaper (`with_related=False` leaves them out)."""
    queryset = Essay.objects.select_related("section__subject__level", "author")
    if with_related:
        queryset = with_related_cards(queryset)
    return queryset.filter(slug=slug).exclude(status=Essay.Status.PENDING).first()
