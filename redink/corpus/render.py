"""From a plan to finished essays: text, slug, dates and the stored previews, optionally in parallel.

Rendering is pure computation (the previews cost more than the text), so it can run in forked
worker processes; each batch comes back in index order, and every essay depends only on the
plan and its index, so the output is the same whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.text import slugify

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_set_text
from redink.core.parallel import ordered_map

from .plan import CorpusPlan
from .text import write_essay

SLUG_LENGTH = 120  # Essay.slug max_length


@dataclass(frozen=True, slots=True)
class RenderedEssay:
    index: int
    topic: int
    section: int
    copy_kind: str
    copy_of: int | None
    copy_of_second: int | None
    title: str
    slug: str
    paragraphs: list[str]
    published_at: datetime
    reading_count: int
    # Set only when rendered for the database.
    body: str = ""
    word_count: int = 0
    preview_lead: dict[str, Any] | None = None
    preview_extracts: dict[str, Any] | None = None


def essay_slug(*, seed: int, index: int, title: str) -> str:
    prefix = f"corpus-{seed}-{index}"
    return f"{prefix}-{slugify(title)}"[:SLUG_LENGTH].rstrip("-")


def render_essay(*, corpus: CorpusPlan, index: int, with_previews: bool) -> RenderedEssay:
    draft = write_essay(corpus=corpus, index=index)
    plan = draft.plan
    published_at, reading_count = corpus.publication(index)
    fields: dict[str, Any] = {}
    if with_previews:
        # The catalogue's own function, so stored previews match what an edit would store.
        essay = essay_set_text(essay=Essay(), text=draft.body)
        fields = {
            "body": essay.body,
            "word_count": essay.word_count,
            "preview_lead": essay.preview_lead,
            "preview_extracts": essay.preview_extracts,
        }
    return RenderedEssay(
        index=index,
        topic=plan.topic,
        section=plan.section,
        copy_kind=plan.copy_kind,
        copy_of=plan.copy_of,
        copy_of_second=plan.copy_of_second,
        title=draft.title,
        slug=essay_slug(seed=corpus.seed, index=index, title=draft.title),
        paragraphs=draft.paragraphs,
        published_at=published_at,
        reading_count=reading_count,
        **fields,
    )


# The plan a forked worker renders from: set in the parent just before the fork, so the
# workers inherit it instead of each rebuilding or unpickling it.
_worker_corpus: CorpusPlan | None = None


def _render_batch(job: tuple[range, bool]) -> list[RenderedEssay]:
    indexes, with_previews = job
    assert _worker_corpus is not None  # noqa: S101 - set before the pool forks
    return [render_essay(corpus=_worker_corpus, index=i, with_previews=with_previews) for i in indexes]


def batches(*, total: int, size: int, start: int = 0) -> list[range]:
    return [range(low, min(low + size, total)) for low in range(start, total, size)]


def render_batches(
    *, corpus: CorpusPlan, batch_size: int, with_previews: bool, workers: int = 1
) -> Iterator[list[RenderedEssay]]:
    """Every essay of the corpus, a batch at a time, in index order."""
    global _worker_corpus
    jobs = [(batch, with_previews) for batch in batches(total=len(corpus), size=batch_size)]
    _worker_corpus = corpus  # set before the pool forks: the workers inherit it
    try:
        yield from ordered_map(_render_batch, jobs, workers=workers if len(jobs) > 1 else 1)
    finally:
        _worker_corpus = None
