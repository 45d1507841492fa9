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
from django.db import connections
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
    alias = _alias()
    with connections[alias].cursor() as cursor:
        cursor.execute(_cards_sql(alias, len(ids)), ids)
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
    alias = _alias()
    with connections[alias].cursor() as cursor:
        cursor.execute(_facets_sql(alias, len(level_ids), len(subject_ids)), [*level_ids, *subject_ids])
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


def _alias() -> str:
    """The database the router reads essays from (the replica for a visitor, when there is one),
    as the ORM's queries did."""
    return Essay.objects.all().db


def _table(alias: str, model: type[Model]) -> str:
    return connections[alias].ops.quote_name(model._meta.db_table)


def _column(alias: str, model: type[Model], field: str) -> str:
    return connections[alias].ops.quote_name(cast("Field[Any, Any]", model._meta.get_field(field)).column)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


@lru_cache(maxsize=64)
def _cards_sql(alias: str, count: int) -> str:
    """The cards' query for `count` ids on database `alias`."""
    essay = ", ".join(f"e.{_column(alias, Essay, name)}" for name in _ESSAY_COLUMNS)
    taxonomy = ", ".join(
        f"{short}.{_column(alias, model, 'slug')}, {short}.{_column(alias, model, 'name')}"
        for short, model in (("l", Level), ("s", Subject), ("c", Section))
    )
    pk = _column(alias, Level, "id")
    return (
        f"SELECT {essay}, {taxonomy}, e.{_column(alias, Essay, 'author')}, u.{_column(alias, User, 'display_name')} "  # noqa: S608 - names from _meta
        f"FROM {_table(alias, Essay)} e "
        f"INNER JOIN {_table(alias, Level)} l ON l.{pk} = e.{_column(alias, Essay, 'level')} "
        f"INNER JOIN {_table(alias, Subject)} s ON s.{pk} = e.{_column(alias, Essay, 'subject')} "
        f"INNER JOIN {_table(alias, Section)} c ON c.{pk} = e.{_column(alias, Essay, 'section')} "
        f"LEFT OUTER JOIN {_table(alias, User)} u ON u.{_column(alias, User, 'id')} = e.{_column(alias, Essay, 'author')} "
        f"WHERE e.{_column(alias, Essay, 'id')} IN ({_placeholders(count)})"
    )


@lru_cache(maxsize=256)
def _facets_sql(alias: str, levels: int, subjects: int) -> str:
    """The facets' names for `levels` level ids then `subjects` subject ids."""
    pk, slug, name = _column(alias, Level, "id"), _column(alias, Level, "slug"), _column(alias, Level, "name")
    parts = []
    if levels:
        parts.append(
            f"SELECT 'level', l.{pk}, l.{slug}, l.{name}, NULL, NULL, NULL FROM {_table(alias, Level)} l "  # noqa: S608 - names from _meta
            f"WHERE l.{pk} IN ({_placeholders(levels)})"
        )
    if subjects:
        parts.append(
            f"SELECT 'subject', s.{pk}, s.{slug}, s.{name}, l.{pk}, l.{slug}, l.{name} FROM {_table(alias, Subject)} s "  # noqa: S608 - names from _meta
            f"INNER JOIN {_table(alias, Level)} l ON l.{pk} = s.{_column(alias, Subject, 'level')} "
            f"WHERE s.{pk} IN ({_placeholders(subjects)})"
        )
    return " UNION ALL ".join(parts)
