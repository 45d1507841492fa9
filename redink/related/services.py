"""Writes: recompute related lists, for one changed essay or for the whole library."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.db import reset_queries, transaction

from redink.catalogue.models import Essay, Level, Section
from redink.core.ids import in_chunks

from .cards import restore_cards
from .models import RelatedCards, RelatedEssay, RelatedSignature
from .rebuild import rebuild_level
from .refresh import Refresher, refresh_essay
from .store import OPEN_TO_ALL, lock_lists


def related_forget_unpublished(*, essay_id: int) -> int:
    """If the essay is not (or no longer) published, take it out of every related list, in the
    caller's transaction: it leaves the lists as it leaves the library, before the refresh its
    change enqueued has run, and pages need not check. Returns how many lists it left."""
    if Essay.objects.filter(pk=essay_id, status=Essay.Status.PUBLISHED).exists():
        return 0
    return related_forget(essay_ids=[essay_id])


def related_forget(*, essay_ids: Collection[int]) -> int:
    """Take these essays out of every related list that shows them, rows and cards, in the
    caller's transaction (call it before deleting essays: no cascade reaches the cards). Once
    that commits, a task recomputes the shortened lists, which may take in another essay.
    Returns how many lists changed."""
    from .tasks import recompute_related_lists

    ids = sorted(set(essay_ids))
    holders: set[int] = set()
    with transaction.atomic():
        for chunk in in_chunks(ids):
            naming = RelatedEssay.objects.filter(related_id__in=chunk)
            holders.update(naming.values_list("essay_id", flat=True))
        if not holders:
            return 0
        changed = sorted(holders)
        lock_lists(changed)  # as every writer of these lists does, so two forgets never interleave
        for chunk in in_chunks(ids):
            RelatedEssay.objects.filter(related_id__in=chunk).delete()
        restore_cards(changed)
        # A shortened list is open to essays of any tier until its recompute fills it.
        for chunk in in_chunks(changed):
            RelatedSignature.objects.filter(essay_id__in=chunk).update(open_to_tier=OPEN_TO_ALL)
        transaction.on_commit(lambda: recompute_related_lists.enqueue(changed))
    return len(changed)


def related_section_renamed(*, section_id: int) -> int:
    """Show a section's current name on every card of an essay in it, in one transaction.

    A card keeps a copy of its essay's section name (the essay page reads the cards as one
    stored value: reading the rows with their sections on every view measured over the block's
    5% of page time). A rename changes no essay, so no refresh would reach those cards: this
    rewrites them, and no more. Returns how many lists changed."""
    name = Section.objects.filter(pk=section_id).values_list("name", flat=True).first()
    if name is None:
        return 0
    stale = RelatedEssay.objects.filter(related__section_id=section_id).exclude(section_name=name)
    with transaction.atomic():
        holders = sorted(set(stale.values_list("essay_id", flat=True)))
        if not holders:
            return 0
        lock_lists(holders)  # as every writer of these lists does
        for chunk in in_chunks(holders):
            stale.filter(essay_id__in=chunk).update(section_name=name)
        restore_cards(holders)
    return len(holders)


def related_recompute_lists(*, essay_ids: Collection[int]) -> None:
    """Recompute these essays' lists from scratch. Safe to run twice."""
    Refresher().recompute(essay_ids)


def related_refresh_essay(*, essay_id: int) -> None:
    """Bring the lists one essay's change affects up to date. Safe to run twice."""
    refresh_essay(essay_id=essay_id)


def related_rebuild_level(*, level_id: int) -> int:
    """Recompute the related lists of one level. Returns how many essays have a list."""
    return rebuild_level(level_id=level_id)


def related_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every related list, level by level. Returns how many essays have a list."""
    done = 0.0

    def advance(step: float) -> None:
        nonlocal done
        done += step
        if progress:
            progress(int(done))

    total = 0
    for level_id in Level.objects.order_by("pk").values_list("pk", flat=True):
        total += rebuild_level(level_id=level_id, advance=advance)
        reset_queries()  # with DEBUG on, Django would keep every query of the rebuild in memory
    unpublished = Essay.objects.exclude(status=Essay.Status.PUBLISHED).values("pk")
    RelatedEssay.objects.filter(essay_id__in=unpublished).delete()
    RelatedCards.objects.filter(essay_id__in=unpublished).delete()
    RelatedSignature.objects.filter(essay_id__in=unpublished).delete()
    return total
