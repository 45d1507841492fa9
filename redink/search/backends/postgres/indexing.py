"""Writing the index: rows with their vectors made in Python (`..tsvector`), the spelling
vocabulary, and the document table's secondary indexes, dropped and built afresh by a rebuild."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import chain
from typing import Any

from django.db import connection, transaction
from more_itertools import chunked

from redink.search.documents import SearchDocument
from redink.search.query import words_of

from ..base import spelling_words, vocabulary_counts
from ..tsvector import VectorMaker
from . import tuning
from .sql import CONFIG

# The document, title, `top`, `best` and title-word vectors, made in Python with PostgreSQL's
# stems (tsvector.py).
VECTORS = VectorMaker(CONFIG)

# The document table's secondary indexes, by name (the search app's migration creates them): a
# rebuild drops them and builds them afresh once the rows are in, which is several times faster
# than updating GIN indexes row by row.
DOCUMENT_INDEXES = {
    "search_document_gin": "USING gin (document)",
    "search_document_title_gin": "USING gin (title_vector)",
    "search_document_top_gin": "USING gin (top)",
    "search_document_best_gin": "USING gin (best)",
    # Title suggestions: the title's words, unstemmed, and their prefixes (tsvector.prefix_literal).
    "search_document_title_prefixes": "USING gin (title_words)",
    "search_document_level": "(level_id)",
    "search_document_subject": "(subject_id)",
    "search_document_section": "(section_id)",
    # The "newest" sort of a query matching a large share of the library walks this in order
    # and stops at the page's last row ("most read" and "best rated" walk the essays' own indexes).
    "search_document_newest": "(published_at DESC NULLS LAST, essay_id DESC)",
}
# The index that takes as long to build as all the others together.
LARGEST_INDEX = "search_document_gin"


class Indexing:
    """The backend's writes (a mixin of PostgresBackend)."""

    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Empty the index and fill it a batch at a time. The document table's indexes are
        dropped while the rows go in and built once at the end, several times faster than
        updating GIN indexes row by row, and the spelling vocabulary is counted on the way
        (reading the free text back for it took PostgreSQL's parser most of a minute at
        160,000 essays)."""
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_document, search_words")
            drop_document_indexes(cursor)
        count, spelling = 0, Counter[str]()
        try:
            for batch in chunked(documents, tuning.REBUILD_BATCH):
                with transaction.atomic(), connection.cursor() as cursor:
                    _insert(cursor, batch)
                for d in batch:
                    if d.spelling is not None:
                        spelling.update(d.spelling)
                spelling.update(vocabulary_counts(f"{d.title} {d.free}" for d in batch if d.spelling is None))
                count += len(batch)
                if progress:
                    progress(count)
            with connection.cursor() as cursor:
                cursor.executemany("INSERT INTO search_words (word, df) VALUES (%s, %s)", list(spelling.items()))
        finally:
            build_document_indexes()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_document, search_words")
        return count

    def index(self, documents: Iterable[SearchDocument], *, update_vocabulary: bool = True) -> None:
        documents = list(documents)
        if not documents:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            _delete(cursor, [d.essay_id for d in documents], update_vocabulary=update_vocabulary)
            _insert(cursor, documents)
            if update_vocabulary:
                counts = vocabulary_counts(f"{d.title} {d.free}" for d in documents)
                cursor.executemany(
                    "INSERT INTO search_words (word, df) VALUES (%s, %s) "
                    "ON CONFLICT (word) DO UPDATE SET df = search_words.df + excluded.df",
                    list(counts.items()),
                )

    def prepare(self, documents: list[SearchDocument]) -> list[SearchDocument]:
        """The documents with their vectors and spelling words made (in a rebuild's worker, on
        its own connection)."""
        with connection.cursor() as cursor:
            vectors = VECTORS.make(cursor, documents)
        # The vectors replace the hidden text and the tiers' words they were made from: the
        # documents go back to the writing process through a pipe, over a quarter lighter without them.
        return [
            replace(
                d,
                hidden="",
                top="",
                best="",
                prepared=v,
                words=None,
                spelling=frozenset(spelling_words(_title_and_free(d))),
            )
            for d, v in zip(documents, vectors, strict=True)
        ]

    def remove(self, essay_ids: Iterable[int]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            _delete(cursor, list(essay_ids), update_vocabulary=True)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_document, search_words")

    def optimise(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document, search_words")

    def refresh_vocabulary(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_words")
            cursor.execute(
                "INSERT INTO search_words (word, df) SELECT word, ndoc FROM ts_stat("
                "$$SELECT to_tsvector('simple', title || ' ' || free) FROM search_document$$) "
                "WHERE length(word) >= 3 AND word ~ '^[a-z]+$'"
            )


def _insert(cursor: Any, documents: list[SearchDocument]) -> None:
    """Write these rows with COPY: every vector is a literal made in Python, so there is
    nothing for PostgreSQL to compute per row."""
    unprepared = [d for d in documents if d.prepared is None]
    made = iter(VECTORS.make(cursor, unprepared) if unprepared else [])
    with cursor.copy(
        "COPY search_document (essay_id, title, free, level_id, subject_id, section_id, marked, published_at, "
        "document, title_vector, top, best, title_words) FROM STDIN"
    ) as copy:
        for d in documents:
            document, title_vector, top, best, title_words = d.prepared or next(made)
            copy.write_row(
                (
                    d.essay_id,
                    d.title,
                    d.free,
                    d.level_id,
                    d.subject_id,
                    d.section_id,
                    d.is_teacher_marked,
                    d.published_at,
                    document,
                    title_vector,
                    top,
                    best,
                    title_words,
                )
            )


def _delete(cursor: Any, essay_ids: list[int], *, update_vocabulary: bool) -> None:
    if not essay_ids:
        return
    cursor.execute("DELETE FROM search_document WHERE essay_id = ANY(%s) RETURNING title, free", [essay_ids])
    removed = cursor.fetchall()
    if update_vocabulary and removed:
        counts = vocabulary_counts(f"{title} {free}" for title, free in removed)
        cursor.executemany("UPDATE search_words SET df = df - %s WHERE word = %s", [(n, w) for w, n in counts.items()])


def _title_and_free(document: SearchDocument) -> Iterable[str]:
    if document.words is None:
        return words_of(f"{document.title} {document.free}")
    return chain(document.words[0], document.words[1])


def drop_document_indexes(cursor: Any) -> None:
    """Drop the document table's secondary indexes (DOCUMENT_INDEXES), to build them afresh."""
    for name in DOCUMENT_INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def build_document_indexes() -> None:
    """Build the document table's indexes (DOCUMENT_INDEXES). The largest is built on a second
    connection while this one builds the rest, unless a transaction holds the table (another
    connection would wait for it)."""
    statements = {
        name: f"CREATE INDEX IF NOT EXISTS {name} ON search_document {definition}"
        for name, definition in DOCUMENT_INDEXES.items()
    }
    largest = [statements.pop(LARGEST_INDEX)]
    if connection.in_atomic_block:
        _run_index_statements(largest + list(statements.values()))
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        document_index = pool.submit(_run_index_statements, largest, own_connection=True)
        _run_index_statements(list(statements.values()))
        document_index.result()


def _run_index_statements(statements: list[str], *, own_connection: bool = False) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{tuning.REBUILD_MAINTENANCE_MEMORY}'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
    finally:
        if own_connection:
            connection.close()  # this thread's connection
