"""Reads for the essay page: the related block costs one query whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.urls import get_script_prefix, reverse

from redink.catalogue.models import Essay

from .models import RelatedEssay
from .text import cut_title

_SLUG = "related-essay-slug"


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
_HIDDEN_PARAMS = {f"hidden{n}": status for n, status in enumerate(_HIDDEN_STATUSES)}


@cache
def _cards_sql(vendor: str) -> str:
    """One hand-written query: the rows (the cards' facts are copied into them) without those
    naming an essay no longer published. Compiling the equivalent ORM query would cost about
    1 ms on every view, a quarter of the page.

    The check is written for each database's planner: SQLite answers the nested form from the
    status index alone, without reading the essays' long rows; PostgreSQL plans the correlated
    form faster (its rows keep long texts out of line anyway).
    """
    quote = connection.ops.quote_name
    rows, essays = quote(RelatedEssay._meta.db_table), quote(Essay._meta.db_table)
    hidden = ", ".join(f"%({name})s" for name in _HIDDEN_PARAMS)
    if vendor == "sqlite":
        gone = (
            f"r.related_id NOT IN (SELECT e.id FROM {essays} e WHERE e.status IN ({hidden}) "  # noqa: S608 - names from _meta
            f"AND e.id IN (SELECT x.related_id FROM {rows} x WHERE x.essay_id = %(essay)s))"
        )
    else:
        gone = f"NOT EXISTS (SELECT 1 FROM {essays} e WHERE e.id = r.related_id AND e.status IN ({hidden}))"  # noqa: S608
    return (
        f"SELECT r.slug, r.title, r.word_count, r.is_teacher_marked, r.section_name, r.snippet FROM {rows} r "  # noqa: S608
        f"WHERE r.essay_id = %(essay)s AND {gone} ORDER BY r.rank"
    )


def related_for_page(*, essay: Essay) -> RelatedBlock:
    """The related essays shown under `essay`, in rank order; withdrawn ones never appear,
    even before the refresh their withdrawal enqueued has run.

    `essay` must come with its section, subject and level loaded (as on the essay page).
    """
    with connection.cursor() as cursor:
        cursor.execute(_cards_sql(connection.vendor), {"essay": essay.pk, **_HIDDEN_PARAMS})
        rows = cursor.fetchall()
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
        for slug, title, word_count, marked, section_name, snippet in rows
    ]
    level = essay.section.subject.level
    return RelatedBlock(heading=f"Related {level.name} {essay.section.name} essays", cards=cards)
