"""Reads for the catalogue pages. Each listing costs a fixed number of queries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from redink.access.selectors import remember_membership
from redink.reading.selectors import remember_saved_item

from .models import DEFAULT_SORT, SORTS, Essay, Level, Section, Subject
from .page_query import essay_page_row
from .readers import readers_in_month

_PUBLISHED = Essay.Status.PUBLISHED
logger = logging.getLogger(__name__)


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


def rounded_below(*, count: int) -> int:
    """The round figure just below `count`, so that "over N" is always true: tens below a
    thousand, else the first three digits (1,243 → 1,240; 160,000 → 159,000)."""
    step = 10 if count < 1000 else 10 ** (len(str(count)) - 3)
    return (count - 1) // step * step


def over_count_phrase(*, count: int) -> str:
    """'Over 1,240 pieces of student written work': the count rounded down, never typed in."""
    if count < 20:
        noun = "piece" if count == 1 else "pieces"
        return f"{count:,} {noun} of student written work"
    return f"Over {rounded_below(count=count):,} pieces of student written work"


# "Join over N students every month" is left out below this N: a smaller figure sells nothing,
# and on a small site it would show the count move as one person reads.
READERS_SHOWN_FROM = 50


def readers_phrase(*, readers: int) -> str:
    """'Join over 1,200 students every month', or "" while the figure is under READERS_SHOWN_FROM."""
    shown = rounded_below(count=readers) if readers > 0 else 0
    return f"Join over {shown:,} students every month" if shown >= READERS_SHOWN_FROM else ""


@dataclass(frozen=True)
class LibraryFigures:
    essays: str  # "Over 1,240 pieces of student written work"
    readers: str  # "Join over 1,200 students every month", or ""


FIGURES_KEY = "catalogue:library-figures"
# How long the essay page's figures are kept in the shared cache: counting the library on
# every view would cost an index scan of every published essay.
FIGURES_SECONDS = 300


def library_figures() -> LibraryFigures:
    """The library's size and its readers, as the essay page states them, computed at most once
    every FIGURES_SECONDS (one cache read by key otherwise)."""
    try:
        kept = cache.get(FIGURES_KEY)
    except Exception:
        logger.warning("Library figures not read from the cache: it is unreachable", exc_info=True)
        kept = None
    if kept is not None:
        return LibraryFigures(*kept)
    figures = LibraryFigures(
        essays=over_count_phrase(count=published_essay_count()), readers=readers_phrase(readers=readers_in_month())
    )
    try:
        cache.set(FIGURES_KEY, (figures.essays, figures.readers), timeout=FIGURES_SECONDS)
    except Exception:
        logger.warning("Library figures not kept in the cache: it is unreachable", exc_info=True)
    return figures


def recent_essays(*, limit: int = 8) -> QuerySet[Essay]:
    return Essay.objects.published().for_listing().sorted_by("newest")[:limit]


def popular_essays(*, limit: int = 8) -> QuerySet[Essay]:
    return Essay.objects.published().for_listing().sorted_by("most-read")[:limit]


def best_marked_essays(*, limit: int = 8) -> QuerySet[Essay]:
    """Essays with at least one published review, best rated (by the lower bound) first."""
    return Essay.objects.published().filter(review_count__gt=0).for_listing().sorted_by("best-rated")[:limit]


# "Teacher-marked first" was a listing sort; it is now the "marked by a teacher" filter, and
# addresses that still ask for the sort get the filter.
MARKED_SORT = "teacher-marked"


@dataclass(frozen=True)
class Listing:
    page: Page[Essay]
    sort: str
    sorts: list[tuple[str, str]]
    marked: bool  # only essays marked by a teacher


def essay_listing(
    *, scope: dict[str, Any], sort: str | None, page: Any, per_page: int, marked: bool = False
) -> Listing:
    """A page of published essays within `scope` (level, subject or section filters), only
    those marked by a teacher when `marked`."""
    chosen = sort if sort in SORTS else DEFAULT_SORT
    queryset = Essay.objects.published().filter(**scope)
    if marked:
        queryset = queryset.filter(is_teacher_marked=True)
    paginator = Paginator(queryset.for_listing().sorted_by(chosen), per_page)
    return Listing(
        page=paginator.get_page(page),
        sort=chosen,
        sorts=[(key, label) for key, (label, _) in SORTS.items()],
        marked=marked,
    )


def essay_for_page(
    *, slug: str, with_related: bool = True, viewer: Any = None, request: HttpRequest | None = None
) -> Essay | None:
    """The essay at `slug` with what its page shows, in one query compiled once per process
    (`page_query`): its related cards where the database makes that cheaper (`with_related=False`
    leaves them out), and for a signed-in `viewer` their membership and, on `request`, the
    essay's Save state, so that neither needs a query of its own."""
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    found = essay_page_row(slug=slug, with_related=with_related, viewer_id=viewer.pk if signed_in else None)
    if found is None:
        return None
    if found.viewer_is_member is not None:
        remember_membership(user=viewer, has_membership=found.viewer_is_member)
        if request is not None:
            remember_saved_item(request=request, essay_id=found.essay.pk, item_id=found.viewer_saved_item)
    _share_taxonomy(found.essay)
    return found.essay


def _share_taxonomy(essay: Essay) -> None:
    """Hand the essay's own subject and level to its section and subject (no query for them),
    where they are the same rows, as every essay saved through the services has them."""
    if essay.subject.level_id == essay.level_id:
        essay.subject.level = essay.level
    if essay.section.subject_id == essay.subject_id:
        essay.section.subject = essay.subject
