"""What only the search benchmark asks of the index: the unbounded ranking that recall is
measured against, and the index's size on disk.

Pages never need either, so they are kept out of the backends' interface. Each one reuses its
backend's own query building (the same match, filters and ranking as a search), so the
reference differs from a search only in scoring every match instead of a bounded set.
"""

from __future__ import annotations

from django.db import connection

from redink.search.backends.base import SearchRequest


def reference_top(request: SearchRequest, *, k: int) -> list[int]:
    """The first `k` essays of the unbounded ranking: every match scored, none left out."""
    if connection.vendor == "postgresql":
        return _postgres_reference_top(request, k=k)
    return _sqlite_reference_top(request, k=k)


def index_size_bytes() -> int:
    """Bytes the search tables take in the database (0 where SQLite lacks its dbstat module)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_document') + pg_total_relation_size('search_words')")
            return int(cursor.fetchone()[0] or 0)
        try:
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'")
            return int(cursor.fetchone()[0] or 0)
        except Exception:  # dbstat is an optional SQLite module
            return 0


def _postgres_reference_top(request: SearchRequest, *, k: int) -> list[int]:
    from redink.search.backends.postgres.sql import filters_sql, rank_sql, through_gin_indexes, tsquery_sql

    q_sql, q_params = tsquery_sql(request.query)
    f_sql, f_params = filters_sql(request)
    rank, rank_params = rank_sql(request, q_sql, q_params)
    with through_gin_indexes() as cursor:
        cursor.execute(
            f"SELECT essay_id FROM search_document WHERE document @@ ({q_sql}){f_sql} "
            f"ORDER BY {rank} DESC, essay_id DESC LIMIT %s",
            [*q_params, *f_params, *rank_params, k],
        )
        return [row[0] for row in cursor.fetchall()]


def _sqlite_reference_top(request: SearchRequest, *, k: int) -> list[int]:
    from redink.search.backends.sqlite_fts5 import WEIGHTS, _match_expression

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY bm25(search_fts, {WEIGHTS}), rowid DESC "
            "LIMIT %s",
            [_match_expression(request), k],
        )
        return [row[0] for row in cursor.fetchall()]
