"""Writes to the search index. Callers enqueue `tasks.sync_essay` on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from redink.catalogue.models import Essay

from .backends import get_backend
from .documents import SearchDocument, document_for
from .impact import compute_thresholds, store_thresholds


def search_sync_essay(*, essay_id: int) -> bool:
    """Index a published essay, or take any other out of the index. Safe to run twice."""
    essay = Essay.objects.select_related("author").filter(pk=essay_id).first()
    backend = get_backend()
    if essay is None or essay.status != Essay.Status.PUBLISHED:
        backend.remove([essay_id])
        return False
    backend.index([document_for(essay)])
    return True


IMPACT_SAMPLE = 5000


def published_documents(*, impact: tuple[dict[str, float], float], chunk: int = 2000) -> Iterator[SearchDocument]:
    queryset = Essay.objects.published().order_by("pk")
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        for essay in batch:
            yield document_for(essay, impact=impact)
        last = batch[-1].pk


def search_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute the high-impact thresholds from a sample, then reindex every published essay."""
    published = Essay.objects.published()
    size = published.count()
    step = max(1, size // IMPACT_SAMPLE)
    sample_ids = list(published.order_by("pk").values_list("pk", flat=True))[::step][:IMPACT_SAMPLE]
    sample = (f"{t} {b}" for t, b in published.filter(pk__in=sample_ids).values_list("title", "body").iterator())
    thresholds, average_length = compute_thresholds(sample, library_size=size)
    store_thresholds(thresholds, average_length=average_length)
    return get_backend().rebuild(published_documents(impact=(thresholds, average_length)), progress=progress)
