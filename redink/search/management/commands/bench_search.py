"""Search benchmark: view latency over the committed query log, index build time and size,
recall@10 against unbounded bm25, title suggestions, and Tantivy on the same corpus.

    python manage.py generate_corpus --essays 160000 --seed 1
    python manage.py bench_search --json bench-search-sqlite.json

Run it once per database (DATABASE_URL) and pass --against the other run's JSON to get the
PostgreSQL/SQLite ratio.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client, override_settings

from redink.catalogue.models import Essay, Level
from redink.core.progress import ProgressBar
from redink.search.backends import get_backend
from redink.search.backends.base import SearchRequest
from redink.search.bench.measure import Timings, time_each
from redink.search.bench.querylog import LOG_PATH, build_log, load_log, write_log
from redink.search.bench.reference import index_size_bytes, reference_top
from redink.search.bench.vectors import vector_cost
from redink.search.query import parse_query
from redink.search.services import search_rebuild


class Command(BaseCommand):
    help = "Benchmark search on the essays in the database (make them with generate_corpus)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--log", type=Path, default=LOG_PATH, help="Query log (TSV).")
        parser.add_argument(
            "--write-log", action="store_true", help="Derive the query log from this corpus and save it."
        )
        parser.add_argument("--skip-rebuild", action="store_true", help="Use the index as it is.")
        parser.add_argument("--no-tantivy", action="store_true")
        parser.add_argument("--rounds", type=int, default=3, help="Timed runs per query (median kept).")
        parser.add_argument("--json", type=Path, help="Write the figures here.")
        parser.add_argument("--against", type=Path, help="Another run's JSON: print this run's p95 ratio to it.")
        parser.add_argument(
            "--vector-cost",
            type=int,
            default=0,
            metavar="N",
            help="PostgreSQL: time N essays' document vectors made in Python and by to_tsvector.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The rate limits still count every request (their cost is part of the page's), but
        # never stop the log replaying as fast as it can. As in production, and as the other
        # benchmarks measure: demo mode (DEBUG) records every query, which cost a search on
        # PostgreSQL about 2.4 ms of formatting its SQL.
        limits = {"REDINK_SEARCHES_PER_MINUTE": 10**9, "REDINK_SUGGESTIONS_PER_MINUTE": 10**9}
        with override_settings(DEBUG=False, **limits):
            self._bench(**options)

    def _bench(self, **options: Any) -> None:
        essays = Essay.objects.published()
        total = essays.count()
        if not total:
            raise CommandError("No published essays: run generate_corpus first.")
        if options["write_log"]:
            write_log(build_log(essays=essays.order_by("pk")[:2000]), options["log"])
            self.stdout.write(f"Wrote the query log to {options['log']}.")
        log = load_log(options["log"])
        # The cache holds the rate limits every search counts: the database's own table in the
        # one-command install, Redis in production (REDIS_URL), one round trip instead of a transaction.
        cache_backend = type(caches["default"]).__name__
        report: dict[str, Any] = {
            "database": connection.vendor,
            "cache": cache_backend,
            "essays": total,
            "queries": len(log),
        }
        out = self.stdout.write

        if not options["skip_rebuild"]:
            bar = ProgressBar(total=total, label="Indexing", stream=sys.stderr)
            started = time.perf_counter()
            search_rebuild(progress=bar.update)
            bar.finish()
            report["index_build_s"] = round(time.perf_counter() - started, 1)
        levels = dict(Level.objects.values_list("slug", "pk"))
        client = Client()

        def view_call(params: dict[str, str]) -> Any:
            def call() -> None:
                response = client.get("/search/", params)
                if response.status_code != 200:
                    raise CommandError(f"/search/ answered {response.status_code} for {params}")

            return call

        timings = time_each([view_call(q.params) for q in log], rounds=options["rounds"])
        report["view"] = timings.summary()
        by_kind: dict[str, list[float]] = defaultdict(list)
        for query, sample in zip(log, timings.samples_ms, strict=True):
            by_kind[query.kind].append(sample)
        report["view_by_kind"] = {kind: Timings(samples).summary() for kind, samples in sorted(by_kind.items())}
        # The page's own cost: each query's view time less the backend's time for the same search.
        backend_timings = time_each([self._backend_call(q, levels) for q in log], rounds=options["rounds"])
        report["backend"] = backend_timings.summary()
        overheads = [v - b for v, b in zip(timings.samples_ms, backend_timings.samples_ms, strict=True)]
        report["view_overhead_median_ms"] = round(statistics.median(overheads), 2)
        # The same split by kind: the backend's own time beside the view's, and what the page
        # around it adds (middleware, spelling, facets' names, snippets' essays, template).
        backend_by_kind: dict[str, list[float]] = defaultdict(list)
        overhead_by_kind: dict[str, list[float]] = defaultdict(list)
        for query, sample, overhead in zip(log, backend_timings.samples_ms, overheads, strict=True):
            backend_by_kind[query.kind].append(sample)
            overhead_by_kind[query.kind].append(overhead)
        report["backend_by_kind"] = {kind: Timings(s).summary() for kind, s in sorted(backend_by_kind.items())}
        report["view_overhead_by_kind_median_ms"] = {
            kind: round(statistics.median(s), 2) for kind, s in sorted(overhead_by_kind.items())
        }
        # The view also asks the engine about spelling, and again for a corrected query: each
        # request's own engine time, measured inside it, against the rest of that request.
        engine, around = self._engine_in_view(log, client, rounds=options["rounds"])
        report["engine_in_view"] = engine.summary()
        report["page_around_engine"] = around.summary()
        self.stderr.write(
            f"{connection.vendor}, {cache_backend}: view p50 {report['view']['p50_ms']} ms; the backend alone p50 {report['backend']['p50_ms']} ms "
            f"(the page adds {report['view_overhead_median_ms']} ms); the engine's own time inside the view "
            f"p50 {engine.p50:.2f} ms, the page around it p50 {around.p50:.2f} ms (budget: 4 ms)"
        )

        report["recall_at_10"], report["recall_queries"] = self._recall(log, levels)
        report["suggest"], report["exact_title"] = self._suggestions(log, client)

        # Measured after the timings: reading every essay's text passes it through PostgreSQL's
        # buffer pool, which would leave the timed queries to start with the index evicted.
        text_bytes = sum(len(b.encode()) + len(t.encode()) for t, b in essays.values_list("title", "body").iterator())
        index_bytes = index_size_bytes()
        report["text_mb"] = round(text_bytes / 1e6, 1)
        report["index_mb"] = round(index_bytes / 1e6, 1)
        report["index_to_text"] = round(index_bytes / text_bytes, 2) if text_bytes else None

        if not options["no_tantivy"]:
            report["tantivy"] = self._tantivy(log, levels, essays, rounds=options["rounds"])
            report["view_to_tantivy_p95"] = round(report["view"]["p95_ms"] / max(report["tantivy"]["p95_ms"], 1e-3), 1)

        if options["vector_cost"]:
            report["vector_cost"] = vector_cost(essays=options["vector_cost"])

        if options["against"]:
            other = json.loads(options["against"].read_text())
            report["p95_ratio_to_" + other["database"]] = round(report["view"]["p95_ms"] / other["view"]["p95_ms"], 2)

        out(json.dumps(report, indent=2))
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")

    @staticmethod
    def _engine_in_view(log, client, *, rounds: int) -> tuple[Timings, Timings]:
        """Per logged query, the median over `rounds` requests of the time spent in the search
        backend's methods during the request, and of the rest of the request."""
        backend = get_backend()
        spent = [0.0]
        names = ("search", "known_words", "similar_words", "vocabulary_has")

        def metered(method: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return method(*args, **kwargs)
                finally:
                    spent[0] += (time.perf_counter() - started) * 1000

            return call

        for name in names:
            setattr(backend, name, metered(getattr(backend, name)))
        engine, around = [], []
        try:
            for query in log:
                runs = []
                for _ in range(max(rounds, 1)):
                    spent[0] = 0.0
                    started = time.perf_counter()
                    client.get("/search/", query.params)
                    total = (time.perf_counter() - started) * 1000
                    runs.append((spent[0], total - spent[0]))
                engine.append(statistics.median(r[0] for r in runs))
                around.append(statistics.median(r[1] for r in runs))
        finally:
            for name in names:
                delattr(backend, name)  # the class's own methods again
        return Timings(engine), Timings(around)

    @staticmethod
    def _backend_call(query, levels):
        """The backend's search for one logged query, as the page asks it (a visitor's)."""
        backend = get_backend()
        request = SearchRequest(query=parse_query(query.q), level_id=levels.get(query.level), per_page=20)
        return lambda: backend.search(request)

    def _recall(self, log, levels) -> tuple[float, int]:
        backend = get_backend()
        recalls = []
        for query in log:
            parsed = parse_query(query.q)
            if parsed.is_empty:
                continue
            request = SearchRequest(query=parsed, level_id=levels.get(query.level), per_page=10, with_facets=False)
            reference = reference_top(request, k=10)
            if not reference:
                continue
            ours = {hit.essay_id for hit in backend.search(request).hits}
            recalls.append(len(ours & set(reference)) / len(reference))
        return (round(statistics.mean(recalls), 3) if recalls else 0.0), len(recalls)

    def _suggestions(self, log, client) -> tuple[dict[str, float], dict[str, float]]:
        typed = [" ".join(q.q.split()[:3]) for q in log if q.kind == "typo"]
        titles = list(Essay.objects.published().order_by("pk").values_list("title", flat=True)[: len(typed) or 1])

        def suggest_call(text: str) -> Callable[[], object]:
            return lambda: client.get("/search/suggest/", {"q": text})

        def exact_call(title: str) -> Callable[[], object]:
            return lambda: list(Essay.objects.filter(title=title).values_list("pk", flat=True)[:8])

        suggest = time_each([suggest_call(t) for t in typed], rounds=3)
        exact = time_each([exact_call(t) for t in titles], rounds=3)
        return suggest.summary(), exact.summary()

    def _tantivy(self, log, levels, essays, *, rounds: int) -> dict[str, Any]:
        try:
            from redink.search.bench.tantivy_reference import TantivyReference
        except ImportError as exc:  # pragma: no cover
            raise CommandError("pip install tantivy (in requirements-dev.txt)") from exc
        rows = essays.order_by("pk").values_list("pk", "title", "body", "level_id").iterator(chunk_size=2000)
        reference = TantivyReference.build(list(rows))
        try:
            parsed = [(parse_query(q.q), levels.get(q.level)) for q in log]

            def search_call(query: Any, level_id: int | None) -> Callable[[], object]:
                return lambda: reference.search(query, level_id=level_id)

            timings = time_each([search_call(p, lv) for p, lv in parsed], rounds=rounds)
            return {**timings.summary(), "index_build_s": round(reference.build_seconds, 1)}
        finally:
            reference.close()
