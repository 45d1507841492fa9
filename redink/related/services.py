"""Writes: recompute related lists, for one changed essay or for the whole library."""

from __future__ import annotations

from collections.abc import Callable

from django.db import reset_queries

from redink.catalogue.models import Essay, Level

from .models import RelatedEssay, RelatedSignature
from .rebuild import rebuild_level
from .refresh import refresh_essay


def related_forget_unpublished(*, essay_id: int) -> int:
    """If the essay is not (or no longer) published, delete the rows that show it under other
    essays, in the caller's transaction: it leaves every related list as it leaves the library,
    before the refresh its change enqueued has run, and pages need not check. Returns how many
    rows went."""
    gone = Essay.objects.filter(pk=essay_id).exclude(status=Essay.Status.PUBLISHED).values("pk")
    deleted, _ = RelatedEssay.objects.filter(related_id__in=gone).delete()
    return deleted


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
    RelatedSignature.objects.filter(essay_id__in=unpublished).delete()
    return total
