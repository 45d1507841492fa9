"""The essays a search page lists, and the levels and subjects of its facets, read as plain rows
rather than model instances.

A result card shows an essay's title, address, taxonomy names, figures and Save button, never
its text (the snippet comes from the search backend, through the access rules). Building five
model instances per result (`for_listing`: the essay, its section, subject, level and author)
was about a third of the page around the engine; one query over the same join gives the same
card for a fraction of that. The queries are written out (from the models' table and column
names) rather than compiled by the ORM on every search: compiling them cost about 0.5 ms for
the cards and 1 ms for the facets' two, more than running them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.urls import reverse
from django.utils import timezone

from redink.accounts.models import User
from redink.catalogue.models import Essay, Level, Section, Subject


@dataclass(frozen=True)
class Named:
    """A level, subject or section as a card names it."""

    slug: str
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class LevelName:
    """A level as a facet names it."""

    pk: int
    slug: str
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SubjectName:
    """A subject as a facet names it, with its level."""

    pk: int
    slug: str
    name: str
    level: LevelName

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
    author_id: int | None
    author_display_name: str
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

    @property
    def author_name(self) -> str:
        """`Essay.author_name` from the row (`User.public_name` on a user made of the two
        columns, so that the rule stays the account's)."""
        if self.author_id is None:
            return "Former contributor"
        return User(pk=self.author_id, display_name=self.author_display_name).public_name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:essay", kwargs={"slug": self.slug})


_ESSAY_COLUMNS = (
    "id", "slug", "title", "status", "word_count", "published_at", "exam_board", "year", "grade",
    "is_teacher_marked", "review_count", "rating_average", "rating_score", "reading_count", "comment_count",
)  # fmt: skip


def listed_essays(*, ids: Collection[int]) -> dict[int, ListedEssay]:
    """Essay id → its card's fields, in one query."""
    ids = list(ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_cards_sql(connection.vendor, len(ids)), ids)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
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
            author_id=author_id,
            author_display_name=display_name or "",
            word_count=words,
            published_at=_aware(published),
            exam_board=board,
            year=year,
            grade=grade,
            is_teacher_marked=bool(marked),
            review_count=reviews,
            rating_average=rating,
            rating_score=score,
            reading_count=readings,
            comment_count=comments,
        )
    return found


def facet_names(
    *, level_ids: Collection[int], subject_ids: Collection[int]
) -> tuple[dict[int, LevelName], dict[int, SubjectName]]:
    """The facets' levels and subjects by id (a subject with its level), in one query."""
    levels: dict[int, LevelName] = {}
    subjects: dict[int, SubjectName] = {}
    if not level_ids and not subject_ids:
        return levels, subjects
    with connection.cursor() as cursor:
        cursor.execute(_facets_sql(connection.vendor, len(level_ids), len(subject_ids)), [*level_ids, *subject_ids])
        rows = cursor.fetchall()
    for kind, pk, slug, name, level_pk, level_slug, level_name in rows:
        if kind == "level":
            levels[pk] = LevelName(pk, slug, name)
        else:
            subjects[pk] = SubjectName(pk, slug, name, LevelName(level_pk, level_slug, level_name))
    return levels, subjects


def _aware(value: datetime | str | None) -> datetime | None:
    """A datetime column as the ORM reads it (SQLite stores it without its zone, UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(cast("Field[Any, Any]", model._meta.get_field(field)).column)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


@lru_cache(maxsize=64)
def _cards_sql(vendor: str, count: int) -> str:
    """The cards' query for `count` ids (`vendor` in the key: names are quoted its way)."""
    essay = ", ".join(f"e.{_column(Essay, name)}" for name in _ESSAY_COLUMNS)
    taxonomy = ", ".join(
        f"{alias}.{_column(model, 'slug')}, {alias}.{_column(model, 'name')}"
        for alias, model in (("l", Level), ("s", Subject), ("c", Section))
    )
    pk = _column(Level, "id")
    return (
        f"SELECT {essay}, {taxonomy}, e.{_column(Essay, 'author')}, u.{_column(User, 'display_name')} "  # noqa: S608 - names from _meta
        f"FROM {_table(Essay)} e "
        f"INNER JOIN {_table(Level)} l ON l.{pk} = e.{_column(Essay, 'level')} "
        f"INNER JOIN {_table(Subject)} s ON s.{pk} = e.{_column(Essay, 'subject')} "
        f"INNER JOIN {_table(Section)} c ON c.{pk} = e.{_column(Essay, 'section')} "
        f"LEFT OUTER JOIN {_table(User)} u ON u.{_column(User, 'id')} = e.{_column(Essay, 'author')} "
        f"WHERE e.{_column(Essay, 'id')} IN ({_placeholders(count)})"
    )


@lru_cache(maxsize=256)
def _facets_sql(vendor: str, levels: int, subjects: int) -> str:
    """The facets' names for `levels` level ids then `subjects` subject ids."""
    pk, slug, name = _column(Level, "id"), _column(Level, "slug"), _column(Level, "name")
    parts = []
    if levels:
        parts.append(
            f"SELECT 'level', l.{pk}, l.{slug}, l.{name}, NULL, NULL, NULL FROM {_table(Level)} l "  # noqa: S608 - names from _meta
            f"WHERE l.{pk} IN ({_placeholders(levels)})"
        )
    if subjects:
        parts.append(
            f"SELECT 'subject', s.{pk}, s.{slug}, s.{name}, l.{pk}, l.{slug}, l.{name} FROM {_table(Subject)} s "  # noqa: S608 - names from _meta
            f"INNER JOIN {_table(Level)} l ON l.{pk} = s.{_column(Subject, 'level')} "
            f"WHERE s.{pk} IN ({_placeholders(subjects)})"
        )
    return " UNION ALL ".join(parts)
