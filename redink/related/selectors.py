"""Reads for the essay page: the related block costs one query whatever its length."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, TypeVar

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, reverse

from redink.catalogue.models import Essay

from .models import RelatedEssay
from .text import cut_title

_SLUG = "related-essay-slug"
_Essays = TypeVar("_Essays", bound=QuerySet[Essay])


class RelatedCard(NamedTuple):  # a tuple: eight are built on every essay page view
    title: str  # cut at a word boundary when long
    full_title: str
    url: str
    snippet: str
    section_name: str
    words: str  # "1,697 words"
    is_teacher_marked: bool


@dataclass(frozen=True)
class RelatedBlock:
    heading: str
    cards: list[RelatedCard]


@cache
def _essay_address(script_prefix: str) -> str:
    """An essay's address with a stand-in slug: addresses differ only by slug (URL-safe), so
    one reverse() serves every card of every page (per script prefix, which reverse() uses)."""
    return reverse("catalogue:essay", kwargs={"slug": _SLUG})


# Every status but "published": few essays have one, so looking them up stays in a small,
# always-cached corner of the status index, however large the library.
_HIDDEN_STATUSES = tuple(status for status in Essay.Status.values if status != Essay.Status.PUBLISHED)


_COLUMNS = "r.slug, r.title, r.word_count, r.is_teacher_marked, r.section_name, r.snippet"


def _gone_sql(vendor: str, essay: str) -> str:
    """A condition true of rows naming an essay no longer published; `essay` is the SQL for
    the reading essay's id.

    The check is written for each database's planner: SQLite answers the nested form from the
    status index alone, without reading the essays' long rows; PostgreSQL plans the correlated
    form faster (its rows keep long texts out of line anyway).
    """
    quote = connection.ops.quote_name
    rows, essays = quote(RelatedEssay._meta.db_table), quote(Essay._meta.db_table)
    hidden = ", ".join(["%s"] * len(_HIDDEN_STATUSES))
    if vendor == "sqlite":
        return (
            f"r.related_id IN (SELECT e.id FROM {essays} e WHERE e.status IN ({hidden}) "  # noqa: S608 - names from _meta
            f"AND e.id IN (SELECT x.related_id FROM {rows} x WHERE x.essay_id = {essay}))"
        )
    return f"EXISTS (SELECT 1 FROM {essays} e WHERE e.id = r.related_id AND e.status IN ({hidden}))"  # noqa: S608


@cache
def _cards_sql(vendor: str) -> str:
    """One hand-written query: the rows (the cards' facts are copied into them) without those
    naming an essay no longer published. Compiling the equivalent ORM query would cost about
    1 ms on every view, a quarter of the page."""
    rows = connection.ops.quote_name(RelatedEssay._meta.db_table)
    return (
        f"SELECT {_COLUMNS} FROM {rows} r "  # noqa: S608 - names from _meta
        f"WHERE r.essay_id = %s AND NOT {_gone_sql(vendor, '%s')} ORDER BY r.rank"
    )


@cache
def _cards_json_sql(vendor: str) -> str:
    """The same rows as one JSON array, as a subquery of the essay's own query: on PostgreSQL
    a query of its own costs a round trip and a planning, more than the rows' whole share of
    the page. SQLite, in process, has no round trip to save and keeps the query of its own."""
    quote = connection.ops.quote_name
    rows, essay = quote(RelatedEssay._meta.db_table), f"{quote(Essay._meta.db_table)}.{quote('id')}"
    return (
        f"SELECT COALESCE(json_agg(json_build_array({_COLUMNS}) ORDER BY r.rank), '[]')::text "  # noqa: S608
        f"FROM {rows} r WHERE r.essay_id = {essay} AND NOT {_gone_sql(vendor, essay)}"
    )


def with_related_cards(queryset: _Essays) -> _Essays:
    """`queryset` reading each essay's related cards in the same query, where that is cheaper
    (see `_cards_json_sql`); `related_for_page` then runs no query of its own."""
    if connection.vendor != "postgresql":
        return queryset
    return queryset.annotate(related_cards_json=RawSQL(_cards_json_sql(connection.vendor), _HIDDEN_STATUSES))  # noqa: S611 - no input in it


def _card_rows(essay: Essay) -> list[Any]:
    loaded = getattr(essay, "related_cards_json", None)
    if loaded is not None:
        return json.loads(loaded)
    with connection.cursor() as cursor:
        cursor.execute(_cards_sql(connection.vendor), [essay.pk, *_HIDDEN_STATUSES, essay.pk])
        return cursor.fetchall()


def related_for_page(*, essay: Essay) -> RelatedBlock:
    """The related essays shown under `essay`, in rank order; withdrawn ones never appear,
    even before the refresh their withdrawal enqueued has run.

    `essay` must come with its section, subject and level loaded (as on the essay page), and
    may come through `with_related_cards`.
    """
    address = _essay_address(get_script_prefix())
    cards = [
        RelatedCard(
            title=cut_title(title),
            full_title=title,
            url=address.replace(_SLUG, slug),
            snippet=snippet,
            section_name=section_name,
            words=f"{word_count:,} word{'' if word_count == 1 else 's'}",
            is_teacher_marked=bool(marked),
        )
        for slug, title, word_count, marked, section_name, snippet in _card_rows(essay)
    ]
    level = essay.section.subject.level
    return RelatedBlock(heading=f"Related {level.name} {essay.section.name} essays", cards=cards)
