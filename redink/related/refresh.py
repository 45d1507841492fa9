"""Keeping related lists fresh when one essay is published, edited, moved or withdrawn.

The lists an essay change affects: its own; those that show it (it may have changed, moved
or gone); and those it may now enter — the essays of its section it resembles, and essays
elsewhere in its level whose lists still have room for an essay from a wider pool.

Signatures are weighted by the document frequencies taken at the level's last rebuild. Once
more than the share REDINK_RELATED_REBUILD_AFTER (a setting) of a level's essays have changed
since then, the next refresh rebuilds the whole level instead, so the statistics never drift
far (and a small library is simply rebuilt each time, which costs next to nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import transaction

from redink.catalogue.models import Essay
from redink.core.ids import in_chunks

from .models import RelatedEssay, RelatedLevel, RelatedSignature, RelatedTerm
from .ranking import LEVEL, MIN_SIMILARITY, RELATED_LIMIT, SECTION, SUBJECT, Choice, best_in_tier, merged
from .rebuild import rebuild_level
from .signatures import Signature, SignaturePool, cosine, signature_of
from .snippets import best_snippet
from .sources import CardFacts, Source, load_sources
from .store import Entry, forget_essays, store_lists, store_signatures
from .text import term_counts

_PUBLISHED = Essay.Status.PUBLISHED


def level_due_for_rebuild(*, level_id: int) -> bool:
    """Count one change to the level; True (once) when its statistics have drifted too far."""
    share = settings.REDINK_RELATED_REBUILD_AFTER
    RelatedLevel.objects.get_or_create(level_id=level_id)
    with transaction.atomic():
        stats = RelatedLevel.objects.select_for_update().get(level_id=level_id)
        stats.changes += 1
        due = stats.changes > share * stats.documents
        if due:
            stats.changes = 0  # claimed: concurrent refreshes do not start a second rebuild
        stats.save(update_fields=["changes"])
    return due


def essay_signature(essay: Essay) -> Signature:
    counts = term_counts(f"{essay.title}\n{essay.body}")
    terms = sorted(counts)
    documents: dict[str, int] = {}
    for chunk in in_chunks(terms):
        documents.update(
            RelatedTerm.objects.filter(level_id=essay.level_id, term__in=chunk).values_list("term", "documents")
        )
    total = RelatedLevel.objects.filter(level_id=essay.level_id).values_list("documents", flat=True).first() or 0
    return signature_of(counts, documents=documents, total=total)


class Refresher:
    """Recomputes lists, loading each candidate pool and each related essay at most once."""

    def __init__(self) -> None:
        self._pools: dict[tuple[str, int], SignaturePool] = {}
        self._sources: dict[int, Source] = {}

    def pool(self, field: str, value: int) -> SignaturePool:
        if (field, value) not in self._pools:
            rows = RelatedSignature.objects.filter(essay__status=_PUBLISHED, **{f"essay__{field}_id": value})
            values = rows.order_by("essay_id").values_list(
                "essay_id", "essay__section_id", "essay__subject_id", "terms"
            )
            self._pools[field, value] = SignaturePool.build(list(values))
        return self._pools[field, value]

    def choose(
        self, *, essay_id: int, section_id: int, subject_id: int, level_id: int, signature: Signature
    ) -> list[Choice]:
        chosen: list[Choice] = []
        for tier, field, value in (
            (SECTION, "section", section_id),
            (SUBJECT, "subject", subject_id),
            (LEVEL, "level", level_id),
        ):
            if len(chosen) >= RELATED_LIMIT:
                break
            pool = self.pool(field, value)
            inner = {SECTION: pool.essay_ids == essay_id, SUBJECT: pool.section_ids == section_id}.get(tier)
            outside = ~(pool.subject_ids == subject_id) if inner is None else ~inner
            scores = pool.similarities(signature)
            chosen += best_in_tier(
                tier=tier, scores=scores[outside], essay_ids=pool.essay_ids[outside], limit=RELATED_LIMIT - len(chosen)
            )
        return chosen

    def entries(self, chosen: list[Choice], *, weights: Signature) -> list[Entry]:
        load_sources({choice.related_id for choice in chosen}, self._sources)
        out = []
        for choice in chosen:
            source = self._sources[choice.related_id]
            out.append(Entry(choice=choice, snippet=best_snippet(source.free, weights=weights), facts=source.facts))
        return out

    def recompute(self, essay_ids: Iterable[int]) -> None:
        """Recompute these essays' lists from scratch (forgetting those no longer published)."""
        wanted = set(essay_ids)
        if not wanted:
            return
        rows = RelatedSignature.objects.filter(essay_id__in=wanted, essay__status=_PUBLISHED).values_list(
            "essay_id", "essay__section_id", "essay__subject_id", "essay__level_id", "terms"
        )
        chosen: dict[int, tuple[list[Choice], Signature]] = {}
        for essay_id, section_id, subject_id, level_id, signature in rows:
            choices = self.choose(
                essay_id=essay_id, section_id=section_id, subject_id=subject_id, level_id=level_id, signature=signature
            )
            chosen[essay_id] = (choices, signature)
        load_sources({c.related_id for choices, _ in chosen.values() for c in choices}, self._sources)
        store_lists(
            {essay_id: self.entries(choices, weights=weights) for essay_id, (choices, weights) in chosen.items()}
        )
        forget_essays(wanted - chosen.keys())

    def takers(self, *, essay: Essay, signature: Signature, skip: set[int]) -> dict[int, tuple[Choice, Signature]]:
        """Essays whose lists the essay may now enter, with the choice it would be for each."""
        found: dict[int, tuple[Choice, Signature]] = {}
        pool = self.pool("section", essay.section_id)
        scores = pool.similarities(signature)
        for i in np.flatnonzero(scores >= MIN_SIMILARITY):
            other = int(pool.essay_ids[i])
            if other not in skip:
                found[other] = (Choice(related_id=essay.pk, tier=SECTION, score=float(scores[i])), pool.signatures[i])
        # Elsewhere in the level, only lists still open to an essay from a wider pool can take
        # it: few in a library of full lists, found by their index before anything is joined.
        open_ids = dict(
            RelatedSignature.objects.filter(open_to_tier__gte=SUBJECT).values_list("essay_id", "open_to_tier")
        )
        subjects: dict[int, int] = {}
        for chunk in in_chunks(sorted(open_ids.keys() - skip)):
            nearby = Essay.objects.published_among(chunk)
            subjects.update(
                (pk, subject_id)
                for pk, subject_id, level_id, section_id in nearby.values_list(
                    "pk", "subject_id", "level_id", "section_id"
                )
                if level_id == essay.level_id and section_id != essay.section_id
            )
        candidates = sorted(
            other
            for other, subject_id in subjects.items()
            if open_ids[other] >= (SUBJECT if subject_id == essay.subject_id else LEVEL)
        )
        for chunk in in_chunks(candidates):
            signatures = RelatedSignature.objects.filter(essay_id__in=chunk)
            for other, terms in signatures.values_list("essay_id", "terms"):
                score = cosine(signature, terms)
                if score >= MIN_SIMILARITY:
                    tier = SUBJECT if subjects[other] == essay.subject_id else LEVEL
                    found[other] = (Choice(related_id=essay.pk, tier=tier, score=score), terms)
        return found

    def offer(self, essay_id: int, takers: dict[int, tuple[Choice, Signature]]) -> None:
        """Put the essay into each taker's list where it now ranks among the first RELATED_LIMIT."""
        current: dict[int, list[Entry]] = defaultdict(list)
        for chunk in in_chunks(sorted(takers)):
            rows = RelatedEssay.objects.filter(essay_id__in=chunk).order_by("essay_id", "rank")
            fields = ("essay_id", "related_id", "tier", "score", "snippet", "title", "slug", "word_count")
            for owner, related_id, tier, score, snippet, title, slug, words, marked, section_name in rows.values_list(
                *fields, "is_teacher_marked", "section_name"
            ):
                choice = Choice(related_id=related_id, tier=tier, score=score)
                facts = CardFacts(
                    title=title, slug=slug, word_count=words, is_teacher_marked=marked, section_name=section_name
                )
                current[owner].append(Entry(choice=choice, snippet=snippet, facts=facts))
        lists: dict[int, list[Entry]] = {}
        for owner, (choice, weights) in takers.items():
            kept = {entry.choice.related_id: entry for entry in current[owner]}
            ranked = merged([entry.choice for entry in current[owner]], choice)
            if any(c.related_id == essay_id for c in ranked):
                lists[owner] = [
                    self.entries([c], weights=weights)[0] if c.related_id == essay_id else kept[c.related_id]
                    for c in ranked
                ]
        store_lists(lists)


def refresh_essay(*, essay_id: int) -> None:
    essay = (
        Essay.objects.filter(pk=essay_id)
        .only("id", "status", "title", "body", "section_id", "subject_id", "level_id")
        .first()
    )
    if essay is not None and level_due_for_rebuild(level_id=essay.level_id):
        rebuild_level(level_id=essay.level_id)
        # Lists of other levels that still show it (it has moved level, or gone).
        elsewhere = RelatedEssay.objects.filter(related_id=essay_id).exclude(essay__level_id=essay.level_id)
        Refresher().recompute(elsewhere.values_list("essay_id", flat=True))
        return
    holders = set(RelatedEssay.objects.filter(related_id=essay_id).values_list("essay_id", flat=True))
    if essay is None or essay.status != _PUBLISHED:
        forget_essays([essay_id])
        Refresher().recompute(holders)
        return
    signature = essay_signature(essay)
    store_signatures({essay.pk: signature})
    refresher = Refresher()
    refresher.recompute(holders | {essay.pk})
    refresher.offer(essay.pk, refresher.takers(essay=essay, signature=signature, skip=holders | {essay.pk}))
