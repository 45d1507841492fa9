"""What the essay page shows of a related list, written once when the list is stored.

A list's cards are kept as one JSON text per essay (`RelatedCards`), in rank order, each card
ready to show: the title already cut, the word count already worded. The page reads that one
value by the essay's key: on PostgreSQL, building the same array from eight rows on every view
cost the server about 0.2 ms, the larger part of what the block added to the page.

The rows (`RelatedEssay`) stay the lists' truth; every write to them rewrites the cards of the
lists it touched, in the same transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection

from redink.core.ids import in_chunks

from .models import RelatedCards, RelatedEssay
from .text import cut_title

# One card, as stored: [slug, title as shown, full title, snippet, section name, words, marked,
# tier]. The tier (0 same section, 1 same subject, 2 same level) lets the page name what the
# list holds without looking at the related essays.
Card = list[Any]


def card(*, slug: str, title: str, snippet: str, section_name: str, word_count: int, marked: bool, tier: int) -> Card:
    words = f"{word_count:,} word{'' if word_count == 1 else 's'}"
    return [slug, cut_title(title), title, snippet, section_name, words, marked, tier]


def cards_text(cards: Sequence[Card]) -> str:
    return json.dumps(cards, ensure_ascii=False, separators=(",", ":"))


def store_cards(cards: Mapping[int, Sequence[Card]]) -> None:
    """Replace the cards of these essays (in the caller's transaction); an empty list keeps none."""
    if not cards:
        return
    table = connection.ops.quote_name(RelatedCards._meta.db_table)
    RelatedCards.objects.filter(essay_id__in=list(cards)).delete()
    rows = [(essay_id, cards_text(shown)) for essay_id, shown in cards.items() if shown]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} (essay_id, cards) VALUES (%s, %s)", rows)  # noqa: S608 - our table


_ROW_FIELDS = ("essay_id", "slug", "title", "snippet", "section_name", "word_count", "is_teacher_marked", "tier")


def restore_cards(essay_ids: Iterable[int]) -> None:
    """Rewrite these essays' cards from their rows, after rows were deleted underneath them."""
    for chunk in in_chunks(sorted(set(essay_ids))):
        found: dict[int, list[Card]] = defaultdict(list)
        rows = RelatedEssay.objects.filter(essay_id__in=chunk).order_by("essay_id", "rank")
        for essay_id, slug, title, snippet, section_name, word_count, marked, tier in rows.values_list(*_ROW_FIELDS):
            found[essay_id].append(
                card(
                    slug=slug,
                    title=title,
                    snippet=snippet,
                    section_name=section_name,
                    word_count=word_count,
                    marked=marked,
                    tier=tier,
                )
            )
        store_cards({essay_id: found.get(essay_id, []) for essay_id in chunk})
