"""Writes to the search index. Callers enqueue `tasks.sync_essay` on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from redink.catalogue.models import Essay
from redink.core.parallel import chunked, ordered_map

from .backends import get_backend
from .documents import SearchDocument, document_for
from .impact import compute_thresholds, load_thresholds, store_thresholds


def search_sync_essay(*, essay_id: int) -> bool:
    """Index a published essay, or take any other out of the index. Safe to run twice."""
    essay = Essay.objects.select_related("author").filter(pk=essay_id).first()
    backend = get_backend()
    if essay is None or essay.status != Essay.Status.PUBLISHED:
        backend.remove([essay_id])
        return False
    backend.index([document_for(essay)])
    return True


def search_sync_essays(*, essay_ids: list[int]) -> None:
    """`search_sync_essay` for many essays, in one write to the index each way."""
    essays = list(Essay.objects.select_related("author").filter(pk__in=essay_ids))
    published = [essay for essay in essays if essay.status == Essay.Status.PUBLISHED]
    shown = {essay.pk for essay in published}
    backend = get_backend()
    backend.remove([essay_id for essay_id in essay_ids if essay_id not in shown])
    if published:
        impact = load_thresholds()
        backend.index([document_for(essay, impact=impact) for essay in published])


IMPACT_SAMPLE = 5000


def published_documents(
    *, impact: tuple[dict[str, float], float], chunk: int = 250, workers: int = 1
) -> Iterator[SearchDocument]:
    """A search document for every published essay, in id order. Reading stays in this process;
    the documents (the costly part: free and hidden words, high-impact words) are made by
    `workers` forked processes."""
    jobs = ((essays, impact) for essays in chunked(_published_essays(), chunk))
    for documents in ordered_map(_documents_for, jobs, workers=workers):
        yield from documents


def _published_essays(chunk: int = 2000) -> Iterator[Essay]:
    queryset = Essay.objects.published().order_by("pk")
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def _documents_for(job: tuple[list[Essay], tuple[dict[str, float], float]]) -> list[SearchDocument]:
    essays, impact = job
    return [document_for(essay, impact=impact) for essay in essays]


def search_rebuild(*, progress: Callable[[int], None] | None = None, workers: int = 1) -> int:
    """Recompute the high-impact thresholds from a sample, then reindex every published essay
    (with `workers` processes making the documents)."""
    published = Essay.objects.published()
    size = published.count()
    step = max(1, size // IMPACT_SAMPLE)
    sample_ids = list(published.order_by("pk").values_list("pk", flat=True))[::step][:IMPACT_SAMPLE]
    sample = (f"{t} {b}" for t, b in published.filter(pk__in=sample_ids).values_list("title", "body").iterator())
    thresholds, average_length = compute_thresholds(sample, library_size=size)
    store_thresholds(thresholds, average_length=average_length)
    documents = published_documents(impact=(thresholds, average_length), workers=workers)
    return get_backend().rebuild(documents, progress=progress)
