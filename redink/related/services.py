"""Writes: recompute related lists, for one changed essay or for the whole library."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.db import reset_queries, transaction

from redink.catalogue.models import Essay, Level

from .cards import restore_cards
from .models import RelatedCards, RelatedEssay, RelatedSignature
from .rebuild import rebuild_level
from .refresh import Refresher, refresh_essay


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

    with transaction.atomic():
        naming = RelatedEssay.objects.filter(related_id__in=list(essay_ids))
        holders = sorted(set(naming.values_list("essay_id", flat=True)))
        if holders:
            naming.delete()
            restore_cards(holders)
            transaction.on_commit(lambda: recompute_related_lists.enqueue(holders))
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
