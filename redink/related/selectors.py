"""Reads for the essay page: the related block costs one value read by key, whatever its length."""

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

from .models import RelatedCards
from .ranking import LEVEL, SECTION, SUBJECT

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


@cache
def _cards_sql() -> str:
    """One hand-written query for the essay's cards (compiling the equivalent ORM query would
    cost about 1 ms on every view, a quarter of the page).

    No card names an essay that has left the library: the change that takes an essay out
    rewrites the lists naming it in its own transaction (`services.related_forget`), so the
    page need not look at the related essays' status."""
    cards = connection.ops.quote_name(RelatedCards._meta.db_table)
    return f"SELECT c.cards FROM {cards} c WHERE c.essay_id = %s"  # noqa: S608 - names from _meta


@cache
def _cards_subquery_sql() -> str:
    """The same value as a subquery of the essay's own query: on PostgreSQL a query of its own
    costs a round trip and a planning, more than the cards' whole share of the page. SQLite, in
    process, has no round trip to save and keeps the query of its own."""
    quote = connection.ops.quote_name
    cards, essay = quote(RelatedCards._meta.db_table), f"{quote(Essay._meta.db_table)}.{quote('id')}"
    return f"SELECT c.cards FROM {cards} c WHERE c.essay_id = {essay}"  # noqa: S608 - names from _meta


def with_related_cards(*, queryset: _Essays) -> _Essays:
    """`queryset` reading each essay's related cards in the same query, where that is cheaper
    (see `_cards_subquery_sql`); `related_for_page` then runs no query of its own."""
    if connection.vendor != "postgresql":
        return queryset
    return queryset.annotate(related_cards_json=RawSQL(_cards_subquery_sql(), ()))  # noqa: S611 - no input in it


def stored_cards(*, essay: Essay) -> str:
    """`essay`'s related cards as stored (JSON text, empty when it has none): read with the essay
    through `with_related_cards`, or by a query of their own, kept on `essay` for the page."""
    if not hasattr(essay, "related_cards_json"):
        with connection.cursor() as cursor:
            cursor.execute(_cards_sql(), [essay.pk])
            row = cursor.fetchone()
        essay.related_cards_json = row[0] if row else None  # type: ignore[attr-defined]
    return essay.related_cards_json or ""  # type: ignore[attr-defined]


def _cards(essay: Essay) -> list[Any]:
    stored = stored_cards(essay=essay)
    return json.loads(stored) if stored else []


def related_heading(*, essay: Essay, widest_tier: int) -> str:
    """What the block holds, by the widest tier among its cards: "Related GCSE Macbeth essays"
    only when every one is from the essay's own section, else "More GCSE English Literature
    essays" (all from its subject), else "More GCSE essays" (a list never leaves the level)."""
    section = essay.section
    level = section.subject.level
    if widest_tier == SECTION:
        return f"Related {level.name} {section.name} essays"
    if widest_tier == SUBJECT:
        return f"More {level.name} {section.subject.name} essays"
    return f"More {level.name} essays"


def related_for_page(*, essay: Essay) -> RelatedBlock:
    """The related essays shown under `essay`, in rank order, as stored (`cards.store_cards`);
    withdrawn ones never appear, even before the refresh their withdrawal enqueued has run
    (see `_cards_sql`).

    `essay` must come with its section, subject and level loaded (as on the essay page), and
    may come through `with_related_cards`.
    """
    address = _essay_address(get_script_prefix())
    stored = _cards(essay)
    cards = [
        RelatedCard(title, full_title, address.replace(_SLUG, slug), snippet, section_name, words, marked)
        for slug, title, full_title, snippet, section_name, words, marked, *_ in stored
    ]
    # A card stored before cards carried their tier claims no more than the level.
    widest = max((card[7] if len(card) > 7 else LEVEL for card in stored), default=SECTION)
    return RelatedBlock(heading=related_heading(essay=essay, widest_tier=widest), cards=cards)
