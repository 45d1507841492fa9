"""What the PostgreSQL backend's Python copy of `to_tsvector` buys a rebuild (`bench_search
--vector-cost N`): the same essays' document vectors made both ways, per essay.

- made in Python: `tsvector.VectorMaker` (in a rebuild, in worker processes: `default_workers()`),
  then read by PostgreSQL as tsvector literals (in the one server process the rows go through);
- plain: PostgreSQL's own `to_tsvector` of the title (weight A), free text (B) and hidden text,
  all in the server process.

The figures are per essay and scaled to 160,000 essays, to set against the rebuild's budget.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection

from redink.catalogue.models import Essay
from redink.core.parallel import default_workers
from redink.search.backends.tsvector import VectorMaker
from redink.search.documents import document_for

BATCH = 200
LIBRARY = 160_000

_PLAIN = (
    "SELECT count(*) FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(title, free, hidden) "
    "WHERE length(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', free), 'B') "
    "|| to_tsvector('english', hidden)) >= 0"
)
_LITERALS = "SELECT count(*) FROM unnest(%s::text[]) AS l WHERE length(l::tsvector) >= 0"


def vector_cost(*, essays: int) -> dict[str, Any]:
    """Milliseconds per essay each way, over the first `essays` published essays."""
    if connection.vendor != "postgresql":
        return {"skipped": "PostgreSQL only"}
    rows = Essay.objects.published().select_related("level", "subject", "section").order_by("pk")[:essays]
    documents = [document_for(essay) for essay in rows]
    if not documents:
        return {"skipped": "no essays"}
    maker = VectorMaker("english")
    with connection.cursor() as cursor:
        maker.make(cursor, documents[:BATCH])  # the stems of common words, as a rebuild's first batch has them
        started, cpu = time.perf_counter(), time.process_time()
        literals: list[str] = []
        for start in range(0, len(documents), BATCH):
            literals.extend(vector for vector, *_ in maker.make(cursor, documents[start : start + BATCH]))
        python_cpu = time.process_time() - cpu
        python_wall = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, len(literals), BATCH):
            cursor.execute(_LITERALS, [literals[start : start + BATCH]])
        read = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, len(documents), BATCH):
            batch = documents[start : start + BATCH]
            cursor.execute(_PLAIN, [[d.title for d in batch], [d.free for d in batch], [d.hidden for d in batch]])
        plain = time.perf_counter() - started

    def per_essay(seconds: float) -> float:
        return round(seconds / len(documents) * 1000, 3)

    workers = default_workers()
    return {
        "essays": len(documents),
        "python_ms_per_essay": per_essay(python_wall),
        "python_cpu_ms_per_essay": per_essay(python_cpu),
        "literal_read_ms_per_essay": per_essay(read),
        "plain_to_tsvector_ms_per_essay": per_essay(plain),
        # The server's share of a 160,000-essay rebuild each way (the Python share is spread
        # over the rebuild's worker processes, `default_workers()` of them).
        "server_s_at_160k_python": round(read / len(documents) * LIBRARY),
        "server_s_at_160k_plain": round(plain / len(documents) * LIBRARY),
        "workers_s_at_160k_python": round(python_wall / len(documents) * LIBRARY / workers),
    }
