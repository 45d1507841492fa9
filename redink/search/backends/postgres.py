"""PostgreSQL full-text search backend: a stored, weighted tsvector with a GIN index, and
pg_trgm for typo tolerance.

Weights: A = title, B = free text, D = hidden text. Only title and free text are stored as
plain text (for snippets and the spelling vocabulary); the hidden text lives only in the
tsvector, so no snippet can be cut from it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from itertools import chain
from typing import Any

from django.db import connection, transaction
from more_itertools import chunked

from redink.catalogue.models import Essay
from redink.search.documents import SearchDocument
from redink.search.query import ParsedQuery, Phrase, words_of

from .base import (
    COUNT_CAP,
    MARK_END,
    MARK_START,
    RANK_CANDIDATES,
    Hit,
    SearchBackend,
    SearchPage,
    SearchRequest,
    TitleSuggestion,
    facet_lists,
    spelling_words,
    vocabulary_counts,
)
from .tsvector import PREFIX_LENGTH, VectorMaker, tokens_of

# Recent matches added to the bounded ranking's candidates.
RECENT_WINDOW = 100
# Up to this many matches are ranked exactly. Each ranked match costs a document fetched from
# out-of-line storage (about 20 µs), so PostgreSQL bounds its ranking sooner than SQLite.
EXACT_RANK_LIMIT = 1000
# A one-word query over the whole library takes its candidates from the narrow `best` tier for
# the results up to here (ten pages); further pages, from the wider `top` tier.
BEST_TIER_ROWS = 200
# ts_rank_cd weights, in PostgreSQL's order {D, C, B, A}: hidden, -, free, title.
RANK_WEIGHTS = "{0.1, 0.0, 0.1, 1.0}"
# "Best rated": the lower bound of the teachers' stars (redink.marking.rating), then more reviews.
BEST_RATED_ORDER = "e.rating_score DESC, e.review_count DESC, e.id DESC"
CONFIG = "english"
HEADLINE = (
    f'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=32, MinWords=16, MaxFragments=2, FragmentDelimiter=" … "'
)

# The document, title, `top`, `best` and title-word vectors, made in Python with PostgreSQL's
# stems (tsvector.py).
VECTORS = VectorMaker(CONFIG)

# The document table's secondary indexes, by name (the search app's migration creates them): a
# rebuild drops them and builds them afresh once the rows are in, which is several times faster
# than updating GIN indexes row by row. Why the table is laid out as it is (narrow rows, the
# document out of line and uncompressed, lz4 for the free text) is told in that migration's
# statements and below where each is read.
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
# Memory for each index build of a rebuild. More is not faster: at 160,000 essays the document
# index took 48 s with 128 MB, 56 s with 256 MB and 73 s with 2 GB.
REBUILD_MAINTENANCE_MEMORY = "128MB"
REBUILD_BATCH = 1000
# The longest title: a longer word is in none.
TITLE_LENGTH = Essay._meta.get_field("title").max_length or 250
# Words at least this alike (trigram similarity) are offered as corrections. One typo leaves
# a word of five letters or more at 0.2 or above: the worst, two letters swapped inside a
# five-letter word, keeps 2 of its 6 trigrams (2 shared of 10 in all). A four-letter word with
# two letters swapped keeps 1 of 5 ("wrod" and "word": 1 of 9, 0.11), so shorter words take a
# lower floor. pg_trgm's default is 0.3.
SIMILARITY_FLOOR = 0.15
SHORT_WORD_SIMILARITY_FLOOR = 0.1


def _phrase_sql(phrase: Phrase) -> tuple[str, list[str]]:
    # A set of words (a reader without full access: SearchRequest) is every word, in any order.
    function = "plainto_tsquery" if phrase.is_word or not phrase.ordered else "phraseto_tsquery"
    return f"{function}('{CONFIG}', %s)", [phrase.text()]


def tsquery_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """The query as a tsquery expression built from bound parameters, never raw text."""
    parts, params = [], []
    for clause in query.clauses:
        options = []
        for phrase in clause.options:
            sql, p = _phrase_sql(phrase)
            options.append(sql)
            params += p
        parts.append("(" + " || ".join(options) + ")")
    sql = " && ".join(parts)
    for phrase in query.excluded:
        excluded_sql, p = _phrase_sql(phrase)
        sql = f"({sql}) && !!({excluded_sql})"
        params += p
    return sql, params


def _any_phrase_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery matching any one of the query's positive phrases."""
    parts, params = [], []
    for clause in query.clauses:
        for phrase in clause.options:
            sql, p = _phrase_sql(phrase)
            parts.append(sql)
            params += p
    return " || ".join(parts), params


def _filters(request: SearchRequest, *, taxonomy: bool = True) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if taxonomy:
        for column, value in (
            ("level_id", request.level_id),
            ("subject_id", request.subject_id),
            ("section_id", request.section_id),
        ):
            if value:
                # "+ 0" keeps the planner on the GIN index for the text condition: walking the
                # column's own index would test (and detoast) the document of every essay of
                # the level or subject.
                clauses.append(f"{column} + 0 = %s")
                params.append(int(value))
    if request.teacher_marked:
        clauses.append("marked")
    return "".join(f" AND {c}" for c in clauses), params


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def check(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if not cursor.fetchone():
                return [
                    "The pg_trgm extension is not installed; typo-tolerant search needs it (CREATE EXTENSION pg_trgm)."
                ]
        return []

    # --- writes -------------------------------------------------------------------
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
            for batch in chunked(documents, REBUILD_BATCH):
                with transaction.atomic(), connection.cursor() as cursor:
                    self._insert(cursor, batch)
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
            self._delete(cursor, [d.essay_id for d in documents], update_vocabulary=update_vocabulary)
            self._insert(cursor, documents)
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

    def _insert(self, cursor, documents: list[SearchDocument]) -> None:  # type: ignore[no-untyped-def]
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

    def _delete(self, cursor, essay_ids: list[int], *, update_vocabulary: bool) -> None:  # type: ignore[no-untyped-def]
        if not essay_ids:
            return
        cursor.execute("DELETE FROM search_document WHERE essay_id = ANY(%s) RETURNING title, free", [essay_ids])
        removed = cursor.fetchall()
        if update_vocabulary and removed:
            counts = vocabulary_counts(f"{title} {free}" for title, free in removed)
            cursor.executemany(
                "UPDATE search_words SET df = df - %s WHERE word = %s", [(n, w) for w, n in counts.items()]
            )

    def remove(self, essay_ids: Iterable[int]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._delete(cursor, list(essay_ids), update_vocabulary=True)

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

    # --- reads --------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchPage:
        if request.query.is_empty:
            return SearchPage(hits=[], total=0, total_capped=False)
        q_sql, q_params = tsquery_sql(request.query)
        f_sql, f_params = _filters(request)
        where = f"document @@ ({q_sql}){f_sql}"
        params = [*q_params, *f_params]
        offset = (request.page - 1) * request.per_page
        unfiltered = not (request.level_id or request.subject_id or request.section_id)
        with _through_gin_indexes() as cursor:
            facet_rows = None
            if request.with_facets and unfiltered:
                # Without a level, subject or section filter the facets count the same
                # matches as the total: one pass over them serves both.
                facet_rows, newest = self._facet_rows(cursor, request, q_sql, q_params, with_newest=True)
                total = sum(row[2] for row in facet_rows)
            else:
                cursor.execute(
                    f"SELECT count(*), array_agg(essay_id) FROM (SELECT essay_id FROM search_document WHERE {where} "
                    "LIMIT %s) m",
                    [*params, COUNT_CAP + 1],
                )
                total, matches = cursor.fetchone()
                newest = _newest(matches or [], total)
            ids = self._ranked_ids(cursor, request, where, params, q_sql, q_params, total, newest, offset)
            hits = self._snippets(cursor, ids, request.query, full_access=request.full_access)
            page = SearchPage(hits=hits, total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP)
            if request.with_facets and total:
                if facet_rows is None:
                    facet_rows, _ = self._facet_rows(cursor, request, q_sql, q_params)
                page.level_facets, page.subject_facets = facet_lists(facet_rows, level_id=request.level_id)
        return page

    def _ranked_ids(self, cursor, request, where, params, q_sql, q_params, total, newest, offset) -> list[int]:  # type: ignore[no-untyped-def]
        """The page of matches in the requested order. `newest` holds the newest (highest id)
        RANK_CANDIDATES matches (every match when there are no more), or nothing when there
        are more than the count reads."""
        limit = request.per_page
        if request.sort == "relevance":
            rank_sql, rank_params = _rank(request, q_sql, q_params)
            if total > EXACT_RANK_LIMIT:
                # Bounded: matches with a query word in the title, essays among the top for one
                # of the query's common words (impact.py), and, when the count read every match,
                # the newest of them. Each candidate costs a document fetched from out-of-line
                # storage, so a one-word query over the whole library takes the narrower `best`
                # tier for its first pages; with a level, subject or section the best matches
                # are spread over the levels and the wider `top` tier serves. A page the
                # candidates cannot fill falls to the wider tier, then (up to RANK_CANDIDATES
                # matches) to the exact ranking: every page up to the count holds results.
                filtered = request.level_id or request.subject_id or request.section_id
                narrow = _one_word(request.query) and not filtered and offset + limit <= BEST_TIER_ROWS
                for tier in ("best", "top") if narrow else ("top",):
                    ids = self._bounded_ids(cursor, request, where, params, q_sql, q_params, newest, offset, tier=tier)
                    if len(ids) == limit or (tier == "top" and total > RANK_CANDIDATES):
                        return ids
            # Exact. GIN matches of a plain tsquery need no recheck: each document is read once,
            # by the ranking.
            cursor.execute(
                f"SELECT essay_id FROM search_document WHERE {where} ORDER BY {rank_sql} DESC, essay_id DESC "
                "LIMIT %s OFFSET %s",
                [*params, *rank_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]
        if request.sort == "newest":
            # Publishing reindexes an essay, so the search row's date is the essay's.
            rows, key, order = "search_document e", "e.essay_id", "e.published_at DESC NULLS LAST, e.essay_id DESC"
        elif request.sort == "best-rated":
            # By the essays' own ratings, which change as reviews are published: the index keeps none.
            rows, key, order = "catalogue_essay e", "e.id", BEST_RATED_ORDER
        else:
            # Most read, by the essays' own counts: they change with every reading, and the index keeps none.
            rows, key, order = "catalogue_essay e", "e.id", "e.reading_count DESC, e.id DESC"
        if total <= RANK_CANDIDATES:
            # The count read every match: sort them.
            sql, args = f"SELECT {key} FROM {rows} WHERE {key} = ANY(%s)", [newest]
        elif total <= COUNT_CAP:
            sql, args = (
                f"SELECT {key} FROM {rows} WHERE {key} IN (SELECT essay_id FROM search_document WHERE {where})",
                params,
            )
        else:
            # More than COUNT_CAP matches: one essay in sixteen or more matches, so walking the
            # sort's index and testing each row meets a page of matches within a few hundred rows.
            # (The query's columns name the search row, the nearest table.)
            if request.sort == "newest":
                sql, args = f"SELECT {key} FROM {rows} WHERE {where}", params
            elif request.sort == "best-rated":
                sql, args = _best_rated_walk(where, params, offset + limit)
            else:
                sql = (
                    f"SELECT {key} FROM {rows} WHERE e.status = %s AND EXISTS "
                    f"(SELECT 1 FROM search_document d WHERE d.essay_id = {key} AND {where})"
                )
                args = [Essay.Status.PUBLISHED, *params]
        cursor.execute(f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*args, limit, offset])
        return [row[0] for row in cursor.fetchall()]

    def _bounded_ids(self, cursor, request, where, params, q_sql, q_params, newest, offset, *, tier: str) -> list[int]:  # type: ignore[no-untyped-def]
        """A page of the bounded ranking, its candidates drawn from the `top` or `best` tier.
        Being in a tier for a word implies holding it, so for a one-word query the tier's
        essays are matches without a test against the full document."""
        limit = request.per_page
        rank, rank_params = _rank(request, q_sql, q_params)
        any_sql, any_params = _any_phrase_sql(request.query)
        t_sql, t_params = _filters(request)
        if _one_word(request.query):
            top_sql, top_params = f"{tier} @@ ({any_sql}){t_sql}", [*any_params, *t_params]
        else:
            top_sql, top_params = f"{where} AND {tier} @@ ({any_sql})", [*params, *any_params]
        # The candidates are gathered into an array first: as an IN (subquery) join the
        # planner may walk the whole primary key to meet a few thousand ids.
        cursor.execute(
            "SELECT essay_id FROM search_document WHERE essay_id = ANY(ARRAY("
            f"(SELECT essay_id FROM search_document WHERE {where} AND title_vector @@ ({any_sql}) LIMIT %s) "
            f"UNION (SELECT essay_id FROM search_document WHERE {top_sql} LIMIT %s) "
            f"UNION (SELECT unnest(%s::bigint[])))) ORDER BY {rank} DESC, essay_id DESC LIMIT %s OFFSET %s",
            [
                *params,
                *any_params,
                RANK_CANDIDATES // 2,
                *top_params,
                RANK_CANDIDATES,
                newest[:RECENT_WINDOW],
                *rank_params,
                limit,
                offset,
            ],
        )
        return [row[0] for row in cursor.fetchall()]

    def _snippets(self, cursor, ids: list[int], query: ParsedQuery, *, full_access: bool) -> list[Hit]:  # type: ignore[no-untyped-def]
        if not ids:
            return []
        q_sql, q_params = tsquery_sql(query)
        if full_access:
            source = "(SELECT replace(e.body, E'\\n\\n', ' ') FROM catalogue_essay e WHERE e.id = d.essay_id)"
        else:
            source = "d.free"
        # A match is visible when the title or the free text (weights A and B of the document)
        # holds a query phrase. Not from the highlights: ts_headline splits the text with
        # PostgreSQL's parser, which keeps "6.5" whole where the index and the query hold 6 and 5.
        any_sql, any_params = _any_phrase_sql(query)
        cursor.execute(
            f"SELECT d.essay_id, ts_headline('{CONFIG}', {source}, ({q_sql}), %s), "
            f"ts_filter(d.document, '{{a,b}}') @@ ({any_sql}) FROM search_document d WHERE d.essay_id = ANY(%s)",
            [*q_params, HEADLINE, *any_params, ids],
        )
        rows = {row[0]: (row[1] or "", bool(row[2])) for row in cursor.fetchall()}
        hits = []
        for essay_id in ids:
            snippet, visible_match = rows.get(essay_id, ("", False))
            matched_hidden_only = not full_access and not visible_match
            hits.append(Hit(essay_id=essay_id, snippet=snippet, matched_hidden_only=matched_hidden_only))
        return hits

    def _facet_rows(
        self, cursor, request: SearchRequest, q_sql: str, q_params: list[str], *, with_newest: bool = False
    ) -> tuple[list[tuple[int, int, int]], list[int]]:  # type: ignore[no-untyped-def]
        """(level, subject, matches) over at most COUNT_CAP + 1 matches, whatever the taxonomy
        filters; with `with_newest`, also the RANK_CANDIDATES newest of those matches."""
        f_sql, f_params = _filters(request, taxonomy=False)
        # The ids are gathered unordered (a hash aggregate; ordering them in SQL sorts every row).
        newest_sql = ", array_agg(essay_id)" if with_newest else ""
        cursor.execute(
            f"SELECT level_id, subject_id, count(*){newest_sql} FROM (SELECT level_id, subject_id, essay_id "
            f"FROM search_document WHERE document @@ ({q_sql}){f_sql} LIMIT %s) m GROUP BY level_id, subject_id",
            [*q_params, *f_params, COUNT_CAP + 1],
        )
        rows = cursor.fetchall()
        total = sum(row[2] for row in rows)
        newest = _newest([i for row in rows for i in row[3]], total) if with_newest else []
        return [(row[0], row[1], row[2]) for row in rows], newest

    def title_prefix_search(self, words: list[str], *, limit: int) -> list[TitleSuggestion]:
        """Titles holding every word, the last one as a prefix, most read first (as on SQLite).

        The words come from `words_of` (word characters only), so quoting each one makes a
        tsquery of terms and nothing else. The last word is looked up as its prefix lexeme
        (tsvector.prefix_literal), or past PREFIX_LENGTH letters as a prefix query."""
        # Split at underscores, as the title words are (SQLite's tokenizer does too).
        words = list(tokens_of(" ".join(words), words))
        if not words or any(len(word) > TITLE_LENGTH for word in words):
            return []  # no title holds it (and a lexeme has at most 2,047 bytes)
        last = words[-1]
        terms = [f"'{w}'" for w in words[:-1]] + [f"'{last}*'" if len(last) <= PREFIX_LENGTH else f"'{last}':*"]
        with connection.cursor() as cursor:
            # At most 500 titles are ordered by readings: words like "the" are in most titles,
            # and ordering them all would read every essay row.
            cursor.execute(
                "SELECT d.essay_id, d.title FROM (SELECT essay_id, title FROM search_document WHERE title_words "
                "@@ %s::tsquery LIMIT 500) d JOIN catalogue_essay e ON e.id = d.essay_id "
                "ORDER BY e.reading_count DESC, d.essay_id DESC LIMIT %s",
                [" & ".join(terms), limit],
            )
            return [TitleSuggestion(row[0], row[1]) for row in cursor.fetchall()]

    def vocabulary_has(self, word: str, *, prefix: bool = False) -> bool:
        with connection.cursor() as cursor:
            if prefix:
                cursor.execute(
                    "SELECT 1 FROM search_words WHERE word LIKE %s AND df > 0 LIMIT 1", [_escape_like(word) + "%"]
                )
            else:
                cursor.execute("SELECT 1 FROM search_words WHERE word = %s AND df > 0", [word])
            return cursor.fetchone() is not None

    def known_words(self, words: Iterable[str]) -> set[str]:
        asked = set(words)
        with connection.cursor() as cursor:
            # A word of the titles and free text is known; looking it up there is one index
            # probe, where asking the full-text index costs a pass over the essays holding it.
            cursor.execute("SELECT word FROM search_words WHERE word = ANY(%s) AND df > 0", [sorted(asked)])
            known = {row[0] for row in cursor.fetchall()}
        with _through_gin_indexes() as cursor:
            for word in asked - known:
                # A stop word makes an empty tsquery, which matches nothing: it is known (it is
                # simply not indexed).
                cursor.execute(
                    f"SELECT numnode(q) = 0 OR EXISTS (SELECT 1 FROM search_document WHERE document @@ q) "
                    f"FROM plainto_tsquery('{CONFIG}', %s) q",
                    [word],
                )
                if cursor.fetchone()[0]:
                    known.add(word)
        return known

    def similar_words(self, word: str, *, limit: int = 30) -> list[tuple[str, int]]:
        """The words nearest by trigram similarity among those at least SIMILARITY_FLOOR alike,
        found through the GIN trigram index. `%` takes its floor from a setting, set here for
        the session before each use (nothing else reads it)."""
        floor = SIMILARITY_FLOOR if len(word) > 4 else SHORT_WORD_SIMILARITY_FLOOR
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(floor)])
            cursor.execute(
                "SELECT word, df FROM search_words WHERE word %% %s AND df > 0 ORDER BY word <-> %s, word LIMIT %s",
                [word, word, limit],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]


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
            cursor.execute(f"SET maintenance_work_mem = '{REBUILD_MAINTENANCE_MEMORY}'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
    finally:
        if own_connection:
            connection.close()  # this thread's connection


@contextmanager
def _through_gin_indexes() -> Iterator[Any]:
    """A cursor that finds matches through the GIN indexes, never by reading the table. The
    planner prices `document @@ query` on a row as cheap, so for a capped query (LIMIT) of a
    word it expects in many essays it picks a scan that detoasts every document it passes
    (about a second at 160,000 essays), where the index answers in milliseconds.

    The setting is local to the transaction; when the block runs inside a caller's
    transaction, it is put back for the rest of it."""
    nested = connection.in_atomic_block
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        yield cursor
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


def _rank(request: SearchRequest, q_sql: str, q_params: list[str]) -> tuple[str, list[str]]:
    """The ranking expression and its parameters. A reader with full access gets cover density
    (`ts_rank_cd`: how closely the query's words stand together). Any other reader's ranking
    must not weigh where the hidden words stand, so it is `ts_rank` over the query's words
    OR'd: PostgreSQL then scores each word by its own occurrences and weights alone, never by
    its distance from the others (an AND query would measure the distances)."""
    if request.full_access:
        return f"ts_rank_cd('{RANK_WEIGHTS}', document, ({q_sql}))", q_params
    words = list(dict.fromkeys(request.query.words))
    any_word = " || ".join(f"plainto_tsquery('{CONFIG}', %s)" for _ in words)
    rank = f"ts_rank('{RANK_WEIGHTS}', document, ({any_word}))"
    # A phrase typed that stands in the title or the free text (weights A and B) lifts the
    # essay, as bm25 does on SQLite: that text is the reader's to see.
    shown = [p.visible_phrase.text() for c in request.query.clauses for p in c.options if p.visible_phrase]
    for _ in shown:
        rank += f" + (ts_filter(document, '{{a,b}}') @@ phraseto_tsquery('{CONFIG}', %s))::int"
    return rank, [*words, *shown]


def _best_rated_walk(where: str, params: list[Any], rows: int) -> tuple[str, list[Any]]:
    """The best-rated matches of a query matching more than COUNT_CAP essays, walked in order:
    the rated essays down the catalogue's best-rated index, then the unrated ones (a rating score
    of 0) newest first down the primary key. Most essays have no review: ordered as one, the
    long run of equal scores would have to be read whole to be ordered by id, and tested each."""
    matches = f"EXISTS (SELECT 1 FROM search_document d WHERE d.essay_id = e.id AND {where})"
    sql = (
        "SELECT e.id FROM ("
        f"(SELECT e.id, e.rating_score, e.review_count FROM catalogue_essay e WHERE e.status = %s "
        f"AND e.rating_score > 0 AND {matches} ORDER BY {BEST_RATED_ORDER} LIMIT %s) UNION ALL "
        f"(SELECT e.id, e.rating_score, e.review_count FROM catalogue_essay e WHERE e.status = %s "
        f"AND e.rating_score = 0 AND {matches} ORDER BY e.id DESC LIMIT %s)) e"
    )
    published = Essay.Status.PUBLISHED
    return sql, [published, *params, rows, published, *params, rows]


def _one_word(query: ParsedQuery) -> bool:
    clauses = query.clauses
    return len(clauses) == 1 and len(clauses[0].options) == 1 and clauses[0].options[0].is_word and not query.excluded


def _newest(matches: list[int], total: int) -> list[int]:
    """The RANK_CANDIDATES highest ids of the matches a count read, or none when the count
    stopped at its cap: the ids it read are then the first in table order, not the newest."""
    if total > COUNT_CAP:
        return []
    return heapq.nlargest(RANK_CANDIDATES, matches)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
