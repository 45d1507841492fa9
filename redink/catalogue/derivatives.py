"""Refreshing what derives from many changed essays at once (after a bulk import).

One essay's change enqueues its own refresh (`services.essay_changed`). Thousands at once would
each reindex one search row and rescan the related lists of their level; together it is far
cheaper to index their search rows in batches (or rebuild the index when they are most of the
library) and to rebuild the related lists of their levels once, in the background.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from more_itertools import chunked

from redink.core.ids import in_chunks

from .models import Essay

# Fewer changed essays than this are refreshed one by one, as single edits are.
BULK_MIN = 200
# Essays indexed a transaction: how often the progress bar moves, and what a batch holds in memory.
SYNC_BATCH = 1000


@dataclass(frozen=True)
class BulkRefresh:
    essays: int
    search: str  # "one by one", "indexed", "rebuilt"
    related_levels: int  # levels whose related lists were queued for a rebuild


def refresh_in_bulk(*, essay_ids: Collection[int], progress: Callable[[int, int], None] | None = None) -> BulkRefresh:
    """Bring the search index and related lists in step with these changed essays.

    `progress(done, total)` follows the search indexing, the part that takes time here.
    """
    from redink.related.tasks import rebuild_related_level
    from redink.search.services import search_rebuild, search_sync_essays
    from redink.submissions.originality.essays import essays_sign

    from .tasks import refresh_essay_derivatives

    ids = sorted(set(essay_ids))
    if len(ids) < BULK_MIN:
        for essay_id in ids:
            refresh_essay_derivatives.enqueue(essay_id)
        return BulkRefresh(essays=len(ids), search="one by one", related_levels=0)
    published = Essay.objects.published().count()
    if 2 * len(ids) >= published:
        # Most of the library: retake the thresholds too, and index every essay anew.
        search_rebuild(progress=(lambda done: progress(done, published)) if progress else None)
        how = "rebuilt"
    else:
        done = 0
        for batch in chunked(ids, SYNC_BATCH):
            search_sync_essays(essay_ids=batch)
            done += len(batch)
            if progress:
                progress(done, len(ids))
        how = "indexed"
    essays_sign(essay_ids=ids)  # import_essays signs as it goes: this finds those current
    levels: set[int] = set()
    for chunk in in_chunks(ids):
        levels.update(Essay.objects.filter(pk__in=chunk).values_list("level_id", flat=True))
    for level_id in sorted(levels):
        rebuild_related_level.enqueue(level_id)
    return BulkRefresh(essays=len(ids), search=how, related_levels=len(levels))
