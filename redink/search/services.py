"""Writes to the search index. Callers enqueue `tasks.sync_essay` on commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from redink.catalogue.models import Essay

from .backends import get_backend
from .documents import SearchDocument, document_for


def search_sync_essay(*, essay_id: int) -> bool:
    """Index a published essay, or take any other out of the index. Safe to run twice."""
    essay = Essay.objects.select_related("author").filter(pk=essay_id).first()
    backend = get_backend()
    if essay is None or essay.status != Essay.Status.PUBLISHED:
        backend.remove([essay_id])
        return False
    backend.index([document_for(essay)])
    return True


def published_documents(chunk: int = 2000) -> Iterator[SearchDocument]:
    queryset = Essay.objects.published().order_by("pk")
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        for essay in batch:
            yield document_for(essay)
        last = batch[-1].pk


def search_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    return get_backend().rebuild(published_documents(), progress=progress)
