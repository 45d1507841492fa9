"""Writing related lists, signatures and term statistics (used by the rebuild and the refresh)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction

from .cards import card, store_cards
from .models import RelatedCards, RelatedEssay, RelatedLevel, RelatedSignature, RelatedTerm
from .ranking import LEVEL, RELATED_LIMIT, Choice
from .signatures import Signature
from .sources import CardFacts

BATCH = 2000
OPEN_TO_ALL = LEVEL + 1


@dataclass(frozen=True, slots=True)
class Entry:
    """A related essay as it will be stored: the choice, the snippet cut for it, its card."""

    choice: Choice
    snippet: str
    facts: CardFacts


def lock_lists(essay_ids: Sequence[int]) -> None:
    """Serialise writers of the same lists (PostgreSQL; SQLite's IMMEDIATE transactions already do)."""
    list(RelatedSignature.objects.select_for_update().filter(essay_id__in=sorted(essay_ids)).values_list("pk"))


def _card(entry: Entry) -> list[object]:
    facts = entry.facts
    return card(
        slug=facts.slug,
        title=facts.title,
        snippet=entry.snippet,
        section_name=facts.section_name,
        word_count=facts.word_count,
        marked=facts.is_teacher_marked,
        tier=entry.choice.tier,
    )


def store_lists(lists: Mapping[int, Sequence[Entry]]) -> None:
    """Replace the related lists of these essays, and the cards their pages show, in one
    transaction.

    A full rebuild writes over a million rows at 160,000 essays: executemany does it several
    times faster than model instances would.
    """
    if not lists:
        return
    table = connection.ops.quote_name(RelatedEssay._meta.db_table)
    insert = (
        f"INSERT INTO {table} (essay_id, related_id, rank, tier, score, snippet, "  # noqa: S608 - our table
        "title, slug, word_count, is_teacher_marked, section_name) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    rows = [
        (
            essay_id,
            e.choice.related_id,
            rank,
            e.choice.tier,
            e.choice.score,
            e.snippet,
            e.facts.title,
            e.facts.slug,
            e.facts.word_count,
            e.facts.is_teacher_marked,
            e.facts.section_name,
        )
        for essay_id, entries in lists.items()
        for rank, e in enumerate(entries, start=1)
    ]
    open_to: dict[int, list[int]] = defaultdict(list)
    for essay_id, entries in lists.items():
        open_to[entries[-1].choice.tier if len(entries) >= RELATED_LIMIT else OPEN_TO_ALL].append(essay_id)
    with transaction.atomic():
        lock_lists(list(lists))
        RelatedEssay.objects.filter(essay_id__in=list(lists)).delete()
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
        store_cards({essay_id: [_card(e) for e in entries] for essay_id, entries in lists.items()})
        for tier, essay_ids in open_to.items():
            RelatedSignature.objects.filter(essay_id__in=essay_ids).update(open_to_tier=tier)


def store_signatures(signatures: dict[int, Signature]) -> None:
    with transaction.atomic():
        RelatedSignature.objects.filter(essay_id__in=list(signatures)).delete()
        RelatedSignature.objects.bulk_create(
            (RelatedSignature(essay_id=essay_id, terms=terms) for essay_id, terms in signatures.items()),
            batch_size=BATCH,
        )


def forget_essays(essay_ids: Iterable[int]) -> None:
    """An essay no longer published has no list and no signature."""
    ids = list(essay_ids)
    with transaction.atomic():
        RelatedEssay.objects.filter(essay_id__in=ids).delete()
        RelatedCards.objects.filter(essay_id__in=ids).delete()
        RelatedSignature.objects.filter(essay_id__in=ids).delete()


def store_level_terms(*, level_id: int, documents: int, terms: Iterable[tuple[str, int]]) -> None:
    """The level's document frequencies, and a fresh start for counting changes against them.

    Tens of thousands of rows per level: inserted with executemany rather than through models.
    """
    table = connection.ops.quote_name(RelatedTerm._meta.db_table)
    with transaction.atomic():
        RelatedTerm.objects.filter(level_id=level_id).delete()
        with connection.cursor() as cursor:
            rows = ((level_id, term, count) for term, count in terms)
            while chunk := list(islice(rows, 10_000)):
                cursor.executemany(f"INSERT INTO {table} (level_id, term, documents) VALUES (%s, %s, %s)", chunk)  # noqa: S608 - the table name is ours
        RelatedLevel.objects.update_or_create(level_id=level_id, defaults={"documents": documents, "changes": 0})
