"""The originality index: how long a duplicate check takes, and how much room the index needs."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from typing import Any

from django.db import connection

from redink.submissions.models import SignatureBand, TextSignature
from redink.submissions.originality.matching import find_matches
from redink.submissions.originality.minhash import BANDS, NUM_PERM, ROWS_PER_BAND
from redink.submissions.originality.shingles import shingle


def time_checks(*, new: list[str], known: list[str]) -> dict[str, Any]:
    """Milliseconds per duplicate check (after extraction): shingles, MinHash, candidates, exact
    overlap. `new` texts are original (the usual upload: only chance candidates to compare);
    `known` ones are copies of texts in the library (each is compared and its shared passages
    found). Reported together and apart."""
    times: dict[str, list[float]] = {"new": [], "known": []}
    for group, texts in (("new", new), ("known", known)):
        for text in texts:
            started = time.perf_counter()
            find_matches(shingled=shingle(text))
            times[group].append((time.perf_counter() - started) * 1000)
    return {**_summary(times["new"] + times["known"]), "new": _summary(times["new"]), "known": _summary(times["known"])}


def _summary(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    if not times:
        return {"checks": 0}
    return {
        "checks": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "max_ms": times[-1],
    }


def stored_size() -> dict[str, Any]:
    """Bytes the index takes in the database (tables and their indexes)."""
    tables = [SignatureBand._meta.db_table, TextSignature._meta.db_table]
    total = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                total += cursor.fetchone()[0]
        else:
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                    "WHERE tbl_name IN (%s, %s))",
                    tables,
                )
                total = cursor.fetchone()[0] or 0
            except Exception:  # dbstat is a compile-time option of SQLite
                return {"bytes": None, "note": "this SQLite has no dbstat table"}
    signatures = TextSignature.objects.count()
    return {"bytes": total, "signatures": signatures, "bytes_per_text": total / signatures if signatures else 0}


def in_memory_reference(texts: list[str]) -> dict[str, float]:
    """What the same LSH would take in a process's memory (datasketch MinHashLSH), per text."""
    from datasketch import MinHashLSH

    signatures = [shingle(text).minhash for text in texts]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS_PER_BAND))
    for n, signature in enumerate(signatures):
        lsh.insert(n, signature)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"texts": len(texts), "bytes_per_text": (after - before) / max(len(texts), 1)}
