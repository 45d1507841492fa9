"""Writes to the search index. Callers enqueue `tasks.sync_essay` on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from more_itertools import chunked

from redink.catalogue.models import Essay
from redink.core.parallel import default_workers, ordered_map

from .backends import get_backend
from .documents import SearchDocument, document_for
from .impact import Impact, compute_thresholds, load_thresholds, store_thresholds


def search_sync_essay(*, essay_id: int) -> bool:
    """Index a published essay, or take any other out of the index. Safe to run twice."""
    return essay_id in search_sync_essays(essay_ids=[essay_id])


def search_sync_essays(*, essay_ids: list[int]) -> set[int]:
    """Index the published essays among these, take the others out of the index, in one write
    each way. Returns the ids indexed."""
    essays = list(Essay.objects.select_related("author").filter(pk__in=essay_ids))
    published = [essay for essay in essays if essay.status == Essay.Status.PUBLISHED]
    shown = {essay.pk for essay in published}
    backend = get_backend()
    gone = [essay_id for essay_id in essay_ids if essay_id not in shown]
    if gone:
        backend.remove(gone)
    if published:
        impact = load_thresholds()
        backend.index([document_for(essay, impact=impact) for essay in published])
    return shown


IMPACT_SAMPLE = 5000


# Below this many essays a rebuild makes its documents in this process (forking costs more).
PARALLEL_MIN = 5000


def _documents_of(job: tuple[int, int, Impact]) -> list[SearchDocument]:
    first, last, impact = job
    essays = Essay.objects.published().filter(pk__gte=first, pk__lte=last).order_by("pk")
    return get_backend().prepare([document_for(essay, impact=impact) for essay in essays])


def published_documents(*, impact: Impact, chunk: int = 1000, workers: int = 1) -> Iterator[SearchDocument]:
    """Every published essay's search document, in id order, prepared for the backend. With
    `workers` > 1, forked processes read the essays and make their documents (splitting the
    text, finding its high-impact words, making PostgreSQL's vectors: most of a rebuild's time
    in Python) while this process writes the index. Each batch is a range of ids, read as it is
    when its turn comes."""
    ids = list(Essay.objects.published().order_by("pk").values_list("pk", flat=True))
    jobs = ((batch[0], batch[-1], impact) for batch in chunked(ids, chunk))
    for documents in ordered_map(_documents_of, jobs, workers=workers):
        yield from documents


def search_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute the high-impact thresholds from a sample, then reindex every published essay."""
    published = Essay.objects.published()
    size = published.count()
    step = max(1, size // IMPACT_SAMPLE)
    sample_ids = list(published.order_by("pk").values_list("pk", flat=True))[::step][:IMPACT_SAMPLE]
    sample = (f"{t} {b}" for t, b in published.filter(pk__in=sample_ids).values_list("title", "body").iterator())
    impact = compute_thresholds(sample, library_size=size)
    store_thresholds(impact)
    workers = default_workers() if size >= PARALLEL_MIN else 1
    documents = published_documents(impact=impact, workers=workers)
    return get_backend().rebuild(documents, progress=progress)
