"""Measures for `bench_related`: list quality on a topic-labelled corpus, rebuild time, page time.

Quality is precision@8 over the essays generate_corpus labelled: of the related essays shown,
the share about the reading essay's topic. The reference, measured in the same run, is what a
site without similarity would show: the eight newest other essays of the same section.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from redink.catalogue import parts as catalogue_parts
from redink.catalogue import selectors as catalogue_selectors
from redink.catalogue.models import Essay
from redink.corpus.models import CorpusEssay

from .models import RelatedEssay
from .ranking import RELATED_LIMIT
from .selectors import RelatedBlock


@dataclass(frozen=True)
class Quality:
    essays: int  # labelled essays read
    shown: int  # related essays shown under them
    precision: float  # share of those shown about the reading essay's topic
    mean_shown: float
    full_lists: float  # share of essays with RELATED_LIMIT related essays
    empty_lists: float  # share with none

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _quality(lists: dict[int, list[int]], topics: dict[int, int]) -> Quality:
    shown = hits = full = empty = 0
    for essay_id, topic in topics.items():
        related = lists.get(essay_id, [])
        shown += len(related)
        hits += sum(topics.get(other) == topic for other in related)
        full += len(related) >= RELATED_LIMIT
        empty += not related
    count = max(len(topics), 1)
    return Quality(
        essays=len(topics),
        shown=shown,
        precision=hits / shown if shown else 0.0,
        mean_shown=shown / count,
        full_lists=full / count,
        empty_lists=empty / count,
    )


def labelled_topics() -> dict[int, int]:
    """Topic of every published essay the corpus generator labelled."""
    labels = CorpusEssay.objects.filter(essay__status=Essay.Status.PUBLISHED)
    return dict(labels.values_list("essay_id", "topic"))


def related_quality(topics: dict[int, int]) -> Quality:
    """Precision of the stored related lists (what the page shows: published essays only)."""
    lists: dict[int, list[int]] = defaultdict(list)
    rows = RelatedEssay.objects.filter(related__status=Essay.Status.PUBLISHED).order_by("essay_id", "rank")
    for essay_id, related_id in rows.values_list("essay_id", "related_id").iterator(chunk_size=10_000):
        lists[essay_id].append(related_id)
    return _quality(lists, topics)


def newest_in_section_quality(topics: dict[int, int]) -> Quality:
    """Precision of the reference: the newest other essays of the same section."""
    by_section: dict[int, list[int]] = defaultdict(list)
    newest_first = Essay.objects.published().order_by("section_id", "-published_at", "-id")
    for essay_id, section_id in newest_first.values_list("pk", "section_id").iterator(chunk_size=10_000):
        if len(by_section[section_id]) <= RELATED_LIMIT:
            by_section[section_id].append(essay_id)
    section_of = dict(Essay.objects.published().values_list("pk", "section_id"))
    lists = {
        essay_id: [other for other in by_section[section_of[essay_id]] if other != essay_id][:RELATED_LIMIT]
        for essay_id in topics
    }
    return _quality(lists, topics)


def time_rebuild(rebuild: Callable[[], int]) -> dict[str, float]:
    started = time.perf_counter()
    essays = rebuild()
    seconds = time.perf_counter() - started
    per_thousand = seconds / max(essays, 1) * 1000
    return {
        "essays": essays,
        "seconds": round(seconds, 1),
        "seconds_per_1000_essays": round(per_thousand, 2),
        # Linear: the pools grow with the library too, so measure at scale for the real figure.
        "extrapolated_160k_minutes": round(per_thousand * 160 / 60, 1),
    }


def _without_related(*, essay: Essay) -> RelatedBlock:
    return RelatedBlock(heading="", cards=[])


def _no_stored_cards(*, essay: Essay) -> str:
    return ""


_essay_for_page = catalogue_selectors.essay_for_page  # the real one, kept while it is swapped


def _essay_without_related(*, slug: str, **page: Any) -> Essay | None:
    """The page's essay as the view asks for it (its reader, its request), without the cards."""
    return _essay_for_page(slug=slug, with_related=False, **page)


@contextmanager
def _related_left_out() -> Iterator[None]:
    with (
        mock.patch.object(catalogue_selectors, "essay_for_page", _essay_without_related),
        mock.patch.object(catalogue_parts, "related_for_page", _without_related),
        mock.patch.object(catalogue_parts, "stored_cards", _no_stored_cards),
    ):
        yield


def page_timing(*, essay_ids: list[int], rounds: int) -> dict[str, float]:
    """Median essay-page time with and without the related block, requests interleaved.

    "Without" reads the essay without its related rows and swaps the block's selector for one
    returning an empty block: no query, no subquery, nothing rendered. Each essay is requested `rounds` times each way, alternating which goes first,
    after a warm-up. Wall time is what a reader waits; CPU time (of this process) is what the
    page costs, and is far less disturbed by other work on a shared machine.
    """
    client = Client()
    urls = [f"/essays/{slug}/" for slug in Essay.objects.filter(pk__in=essay_ids).values_list("slug", flat=True)]
    samples: dict[str, tuple[list[float], list[float]]] = {"with": ([], []), "without": ([], [])}

    def timed(url: str, arm: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        with _related_left_out() if arm == "without" else nullcontext():
            response = client.get(url)
        samples[arm][1].append((time.process_time() - cpu) * 1000)
        samples[arm][0].append((time.perf_counter() - wall) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    # As in production: demo mode (DEBUG) would log every query and slow both sides.
    with override_settings(DEBUG=False):
        for url in urls[:10]:
            timed(url, "with")
            timed(url, "without")
        for arm in samples:
            samples[arm][0].clear()
            samples[arm][1].clear()
        for round_number in range(rounds):
            for url in urls:
                order = ("with", "without") if round_number % 2 == 0 else ("without", "with")
                for arm in order:
                    timed(url, arm)
    # Each request with the block is paired with the request without it made next to it, so
    # the machine's slow drifts cancel: the added time is the median of the pairs' differences.
    report: dict[str, float] = {"pages": len(urls), "requests_each_way": rounds * len(urls)}
    for clock, index in (("", 0), ("cpu_", 1)):
        with_block, without_block = samples["with"][index], samples["without"][index]
        added = statistics.median(a - b for a, b in zip(with_block, without_block, strict=True))
        reference = statistics.median(without_block)
        report[f"median_{clock}ms_with_related"] = round(statistics.median(with_block), 3)
        report[f"median_{clock}ms_without_related"] = round(reference, 3)
        report[f"added_{clock}percent"] = round(100 * added / reference, 2)
    queries = {}
    for arm in samples:
        with CaptureQueriesContext(connection) as captured:
            timed(urls[0], arm)
        queries[arm] = len(captured)
    return {
        **report,
        "queries_with_related": queries["with"],
        "queries_without_related": queries["without"],
    }


def essays_with_full_lists(*, limit: int) -> list[int]:
    full = RelatedEssay.objects.filter(rank=RELATED_LIMIT, essay__status=Essay.Status.PUBLISHED)
    return list(full.order_by("essay_id").values_list("essay_id", flat=True)[:limit])
