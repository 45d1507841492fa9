"""What a related list needs of each essay it names: the facts its card shows and its free text."""

from __future__ import annotations

from dataclasses import dataclass

from redink.catalogue.models import Essay
from redink.core.ids import in_chunks

from .snippets import PREVIEW_FIELDS, FreeText, free_text


@dataclass(frozen=True, slots=True)
class CardFacts:
    title: str
    slug: str
    word_count: int
    is_teacher_marked: bool
    section_name: str


@dataclass(frozen=True, slots=True)
class Source:
    facts: CardFacts
    free: FreeText


def load_sources(essay_ids: set[int], cache: dict[int, Source]) -> None:
    """Load the essays not yet in `cache` (a few queries, whatever their number)."""
    missing = sorted(essay_ids - cache.keys())
    fields = (*PREVIEW_FIELDS, "title", "slug", "is_teacher_marked", "section__name")
    essays = Essay.objects.select_related("section").only(*fields)
    for chunk in in_chunks(missing):
        for essay in essays.filter(pk__in=chunk):
            facts = CardFacts(
                title=essay.title,
                slug=essay.slug,
                word_count=essay.word_count,
                is_teacher_marked=essay.is_teacher_marked,
                section_name=essay.section.name,
            )
            cache[essay.pk] = Source(facts=facts, free=free_text(essay))
