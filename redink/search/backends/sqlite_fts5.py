"""SQLite FTS5 search backend.

Tables (created by the search app's migration on SQLite, which holds their statements):

- ``search_fts(title, free, hidden, facets)``: the index; rowid is the essay id. Porter
  stemming. ``facets`` holds filter tokens (``lvl3 sub7 sec12 marked``) so filters are
  part of the MATCH and FTS5 intersects them with the query's postings.
- ``search_spell(title, free)``: contentless, unstemmed, titles and free text only, for
  the spelling vocabulary; ``search_spell_vocab`` reads its terms. The ``top`` field of
  ``search_fts`` lists an essay's high-impact common words (see impact.py).
- ``search_words(word, df)`` and ``search_words_tri`` (trigram): the vocabulary that "Did
  you mean" draws from — never hidden text.
- ``search_facets``: level, subject and date per essay, for facet counts and sorting.
- ``search_titles(title)``: titles alone, unstemmed, with prefix indexes, for suggestions as you type:
  a title query on ``search_fts`` would read the body's long posting lists of common words.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from redink.catalogue.models import Essay
from redink.core.ids import in_chunks
from redink.search.documents import SearchDocument
from redink.search.query import ParsedQuery, Phrase, fts5_phrase, to_fts5, words_of

from .base import (
    COUNT_CAP,
    MARK_END,
    MARK_START,
    RANK_CANDIDATES,
    FacetCount,
    Hit,
    SearchBackend,
    SearchPage,
    SearchRequest,
    TitleSuggestion,
    facet_lists,
    vocabulary_counts,
)

# bm25 column weights: title, free text, hidden text, facets, high-impact words.
WEIGHTS = "10.0, 1.0, 1.0, 0.0, 0.0"
# Each word of the `top` column is indexed as a term of its own, marked ("missile" becomes
# "topxmissile"): FTS5 keeps one posting list per term across all columns, so `{top} : missile`
# would decode the positions of every essay holding "missile" to find the ~1,500 that list
# it in `top`. The marked term's posting list holds just those essays.
TOP_MARK = "topx"
# Beside the `top` candidates, the bounded ranking scores this many of the newest matches.
RECENT_WINDOW = 500
SNIPPET_TOKENS = 28
# "Best rated": the lower bound of the teachers' stars (redink.marking.rating), then more reviews.
BEST_RATED_ORDER = "e.rating_score DESC, e.review_count DESC, e.id DESC"
# Newest, most read and best rated over at most this many matches look each match's row up and
# sort them; over more they walk the catalogue's index for the sort. An essay row holds its text,
# so the columns after it sit on overflow pages: a lookup cost ~17 us a match (34 ms for 2,000
# matches, measured on the 2,000-essay benchmark corpus), the walk ~0.1 us an index entry read
# (1.4 ms for the 50th page of the same 2,000 matches; a whole walk of 160,000 entries, ~16 ms).
SORT_BY_LOOKUP = 300


def _marked_terms(word: str) -> list[str]:
    """The marked terms of one `top` word: the tokenizer splits words at underscores, so each
    part is marked on its own ("cuban_missile" gives topxcuban and topxmissile)."""
    return [TOP_MARK + part for part in word.split("_") if part]


def _marked_top(top: str) -> str:
    return " ".join(term for word in top.split() for term in _marked_terms(word))


def _user_expression(query: ParsedQuery) -> str:
    return "{title free hidden} : (" + to_fts5(query, visible_columns="title free") + ")"


def _match_expression(request: SearchRequest) -> str:
    parts = [_user_expression(request.query)]
    if request.level_id:
        parts.append(f'facets : "lvl{int(request.level_id)}"')
    if request.subject_id:
        parts.append(f'facets : "sub{int(request.subject_id)}"')
    if request.section_id:
        parts.append(f'facets : "sec{int(request.section_id)}"')
    if request.teacher_marked:
        parts.append('facets : "marked"')
    return " AND ".join(parts)


def _facet_expression(request: SearchRequest) -> str:
    """Facets count the query across every level and subject (only 'teacher-marked' narrows)."""
    parts = [_user_expression(request.query)]
    if request.teacher_marked:
        parts.append('facets : "marked"')
    return " AND ".join(parts)


class SQLiteFTS5Backend(SearchBackend):
    vendor = "sqlite"

    def check(self) -> list[str]:
        problems = []
        with connection.cursor() as cursor:
            for option in ("ENABLE_FTS5",):
                cursor.execute("SELECT sqlite_compileoption_used(%s)", [option])
                if not cursor.fetchone()[0]:
                    problems.append(f"SQLite was built without {option[7:]}; search needs it.")
            cursor.execute("SELECT sqlite_version()")
            version = tuple(int(p) for p in cursor.fetchone()[0].split(".")[:2])
            if version < (3, 34):
                problems.append("SQLite 3.34 or newer is needed for the trigram tokenizer (typo-tolerant search).")
        return problems

    # --- writes -------------------------------------------------------------------
    def index(self, documents: Iterable[SearchDocument], *, update_vocabulary: bool = True) -> None:
        documents = list(documents)
        if not documents:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            self._delete(cursor, [d.essay_id for d in documents], update_vocabulary=update_vocabulary)
            cursor.executemany(
                "INSERT INTO search_fts(rowid, title, free, hidden, facets, top) VALUES (%s, %s, %s, %s, %s, %s)",
                [(d.essay_id, d.title, d.free, d.hidden, d.facets, _marked_top(d.top)) for d in documents],
            )
            cursor.executemany(
                "INSERT INTO search_spell(rowid, title, free) VALUES (%s, %s, %s)",
                [(d.essay_id, d.title, d.free) for d in documents],
            )
            cursor.executemany(
                "INSERT INTO search_titles(rowid, title) VALUES (%s, %s)", [(d.essay_id, d.title) for d in documents]
            )
            cursor.executemany(
                "INSERT OR REPLACE INTO search_facets(essay_id, level_id, subject_id, published_at) VALUES (%s, %s, %s, %s)",
                [
                    (d.essay_id, d.level_id, d.subject_id, d.published_at.isoformat() if d.published_at else None)
                    for d in documents
                ],
            )
            if update_vocabulary:
                counts = vocabulary_counts(f"{d.title} {d.free}" for d in documents)
                self._add_words(cursor, counts)

    def _add_words(self, cursor, counts: Counter[str]) -> None:
        if not counts:
            return
        words = list(counts)
        known = set()
        for chunk in in_chunks(words):
            cursor.execute(
                f"SELECT word FROM search_words WHERE word IN ({','.join(['%s'] * len(chunk))})",
                chunk,
            )
            known |= {row[0] for row in cursor.fetchall()}
        cursor.executemany(
            "INSERT INTO search_words(word, df) VALUES (%s, %s) ON CONFLICT(word) DO UPDATE SET df = df + excluded.df",
            list(counts.items()),
        )
        cursor.executemany("INSERT INTO search_words_tri(word) VALUES (%s)", [(w,) for w in words if w not in known])

    def _delete(self, cursor, essay_ids: list[int], *, update_vocabulary: bool) -> None:
        if not essay_ids:
            return
        placeholders = ",".join(["%s"] * len(essay_ids))
        cursor.execute(
            f"SELECT rowid, title, free FROM search_fts WHERE rowid IN ({placeholders})",
            essay_ids,
        )
        existing = cursor.fetchall()
        if not existing:
            return
        cursor.executemany(
            "INSERT INTO search_spell(search_spell, rowid, title, free) VALUES ('delete', %s, %s, %s)", existing
        )
        ids = [row[0] for row in existing]
        placeholders = ",".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({placeholders})", ids)
        cursor.execute(f"DELETE FROM search_facets WHERE essay_id IN ({placeholders})", ids)
        cursor.execute(f"DELETE FROM search_titles WHERE rowid IN ({placeholders})", ids)
        if update_vocabulary:
            counts = vocabulary_counts(f"{title} {free}" for _, title, free in existing)
            cursor.executemany(
                "UPDATE search_words SET df = df - %s WHERE word = %s", [(n, w) for w, n in counts.items()]
            )

    def remove(self, essay_ids: Iterable[int]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._delete(cursor, list(essay_ids), update_vocabulary=True)

    def clear(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("INSERT INTO search_spell(search_spell) VALUES ('delete-all')")
            cursor.execute("DELETE FROM search_facets")
            cursor.execute("DELETE FROM search_titles")
            cursor.execute("DELETE FROM search_words")
            cursor.execute("DELETE FROM search_words_tri")

    def optimise(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def refresh_vocabulary(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_words")
            cursor.execute("DELETE FROM search_words_tri")
            cursor.execute(
                "INSERT INTO search_words(word, df) SELECT term, doc FROM search_spell_vocab "
                "WHERE length(term) >= 3 AND term NOT GLOB '*[^a-z]*'"
            )
            cursor.execute("INSERT INTO search_words_tri(word) SELECT word FROM search_words")

    # --- reads --------------------------------------------------------------------
    def _capped_ids(self, cursor, expression: str, limit: int) -> list[int]:
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s", [expression, limit])
        return [row[0] for row in cursor.fetchall()]

    def search(self, request: SearchRequest) -> SearchPage:
        if request.query.is_empty:
            return SearchPage(hits=[], total=0, total_capped=False)
        expression = _match_expression(request)
        offset = (request.page - 1) * request.per_page
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [expression, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
            ids = self._ranked_ids(cursor, request, expression, total, offset)
            hits = self._snippets(cursor, expression, ids, full_access=request.full_access)
            page = SearchPage(hits=hits, total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP)
            if request.with_facets and total:
                page.level_facets, page.subject_facets = self._facets(cursor, request)
        return page

    def _ranked_ids(self, cursor, request: SearchRequest, expression: str, total: int, offset: int) -> list[int]:
        limit = request.per_page
        if request.sort == "relevance":
            if total <= RANK_CANDIDATES:
                cursor.execute(
                    # Equal scores go to the newest, as in the bounded ranking and on PostgreSQL.
                    f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY bm25(search_fts, {WEIGHTS}), rowid DESC "
                    "LIMIT %s OFFSET %s",
                    [expression, limit, offset],
                )
                return [row[0] for row in cursor.fetchall()]
            return self._bounded_ranking(cursor, request, expression, limit, offset)
        # Every match is sorted, however many, so the order is the one PostgreSQL gives.
        if total <= SORT_BY_LOOKUP:
            sql, args = _looked_up_sort(request.sort), [expression]
        else:
            sql, args = _walked_sort(request.sort, rows=offset + limit), [Essay.Status.PUBLISHED, expression]
            if request.sort == "best-rated":
                args += args
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*args, limit, offset])
        return [row[0] for row in cursor.fetchall()]

    def _bounded_ranking(self, cursor, request: SearchRequest, expression: str, limit: int, offset: int) -> list[int]:
        """Rank a bounded candidate set, streamed in index order so no row is looked up twice.

        Candidates: matches that have a query word in their `top` field — in their title (title
        hits weigh most), or among the top essays for one of the query's common words (see
        impact.py) — and the most recent matches. FTS5 scores each candidate as it streams
        past; a lookup of single rows would reload whole posting lists. The `top` field has
        zero weight, so a candidate's score is the one the unbounded ranking gives it.
        """
        words = list(dict.fromkeys(w for w in request.query.words))
        any_word = " OR ".join(fts5_phrase(Phrase((term,))) for w in words for term in _marked_terms(w))
        score = f"bm25(search_fts, {WEIGHTS})"
        window = f"SELECT * FROM (SELECT rowid, {score} AS score FROM search_fts WHERE search_fts MATCH %s {{order}}LIMIT %s)"
        cursor.execute(
            "SELECT rowid FROM ("
            + " UNION ALL ".join([window.format(order=""), window.format(order="ORDER BY rowid DESC ")])
            + ") GROUP BY rowid ORDER BY min(score), rowid DESC LIMIT %s OFFSET %s",
            [
                f"{expression} AND {{top}} : ({any_word})",
                RANK_CANDIDATES,
                expression,
                RECENT_WINDOW,
                limit,
                offset,
            ],
        )
        return [row[0] for row in cursor.fetchall()]

    def _snippets(self, cursor, expression: str, ids: list[int], *, full_access: bool) -> list[Hit]:
        if not ids:
            return []
        # Column 1 is the free text; -1 lets FTS5 pick the best column (full access only).
        column = -1 if full_access else 1
        cursor.execute(
            "SELECT rowid, snippet(search_fts, %s, %s, %s, '…', %s), highlight(search_fts, 0, %s, %s) "
            "FROM search_fts WHERE search_fts MATCH %s AND rowid IN (SELECT value FROM json_each(%s))",
            [column, MARK_START, MARK_END, SNIPPET_TOKENS, MARK_START, MARK_END, expression, json.dumps(ids)],
        )
        rows = {row[0]: (row[1] or "", row[2] or "") for row in cursor.fetchall()}
        hits = []
        for essay_id in ids:
            snippet, title = rows.get(essay_id, ("", ""))
            matched_visible = MARK_START in snippet or MARK_START in title
            hits.append(
                Hit(essay_id=essay_id, snippet=snippet, matched_hidden_only=not matched_visible and not full_access)
            )
        return hits

    def _facets(self, cursor, request: SearchRequest) -> tuple[list[FacetCount], list[FacetCount]]:
        cursor.execute(
            "SELECT e.level_id, e.subject_id, count(*) FROM "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s) m "
            "JOIN search_facets e ON e.essay_id = m.rowid GROUP BY e.level_id, e.subject_id",
            [_facet_expression(request), COUNT_CAP + 1],
        )
        return facet_lists(cursor.fetchall(), level_id=request.level_id)

    def title_prefix_search(self, words: list[str], *, limit: int) -> list[TitleSuggestion]:
        """Titles holding every word, the last one as a prefix, most read first."""
        expression = " AND ".join(
            [fts5_phrase(Phrase((w,))) for w in words[:-1]] + [fts5_phrase(Phrase((words[-1],)), prefix=True)]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.rowid, e.title FROM (SELECT rowid FROM search_titles WHERE search_titles MATCH %s LIMIT 500) f "
                "JOIN catalogue_essay e ON e.id = f.rowid ORDER BY e.reading_count DESC, e.id DESC LIMIT %s",
                [expression, limit],
            )
            return [TitleSuggestion(row[0], row[1]) for row in cursor.fetchall()]

    def vocabulary_has(self, word: str, *, prefix: bool = False) -> bool:
        with connection.cursor() as cursor:
            if prefix:
                cursor.execute(
                    "SELECT 1 FROM search_words WHERE word >= %s AND word < %s AND df > 0 LIMIT 1",
                    [word, word + "\uffff"],
                )
            else:
                cursor.execute("SELECT 1 FROM search_words WHERE word = %s AND df > 0", [word])
            return cursor.fetchone() is not None

    def known_words(self, words: Iterable[str]) -> set[str]:
        known = set()
        with connection.cursor() as cursor:
            for word in set(words):
                cursor.execute(
                    "SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1",
                    ["{title free hidden} : " + fts5_phrase(Phrase((word,)))],
                )
                if cursor.fetchone():
                    known.add(word)
        return known

    def similar_words(self, word: str, *, limit: int = 30) -> list[tuple[str, int]]:
        grams = _trigrams(word)
        if not grams:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT w.word, w.df FROM (SELECT word, rank FROM search_words_tri WHERE search_words_tri MATCH %s "
                "ORDER BY rank LIMIT %s) t JOIN search_words w ON w.word = t.word WHERE w.df > 0",
                [" OR ".join(f'"{g}"' for g in grams), limit],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]


_MATCHES = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
_SORTS = {
    "newest": ("e.published_at DESC, e.id DESC", "essay_newest"),
    "most-read": ("e.reading_count DESC, e.id DESC", "essay_most_read"),
    "best-rated": (BEST_RATED_ORDER, "essay_best_rated"),
}


def _looked_up_sort(sort: str) -> str:
    """The matches in `sort` order, each essay's row looked up (few matches).

    Fresh from the catalogue: the index keeps no reading counts or ratings, which change as
    essays are read and reviews published (a published essay's date is its search row's)."""
    return f"SELECT e.id FROM ({_MATCHES}) m CROSS JOIN catalogue_essay e ON e.id = m.rowid ORDER BY {_SORTS[sort][0]}"


def _walked_sort(sort: str, *, rows: int) -> str:
    """The matches in `sort` order, found down the catalogue's index for the sort, `rows` at
    most: one essay in a few hundred or more matches, so a page of them is met early.

    Best rated walks the rated essays, then the unrated ones newest first: every unrated essay
    scores 0 with no review, a run that would otherwise be read whole to be ordered by id."""
    order, index = _SORTS[sort]
    walk = f"SELECT e.id, e.rating_score, e.review_count FROM catalogue_essay e INDEXED BY {index} WHERE e.status = %s"
    matches = f"e.id IN ({_MATCHES})"
    if sort != "best-rated":
        return f"{walk} AND {matches} ORDER BY {order}"
    rated = f"SELECT * FROM ({walk} AND e.rating_score > 0 AND {matches} ORDER BY {order} LIMIT {int(rows)})"
    unrated = f"SELECT * FROM ({walk} AND e.rating_score = 0 AND {matches} ORDER BY e.id DESC LIMIT {int(rows)})"
    return f"SELECT e.id FROM ({rated} UNION ALL {unrated}) e ORDER BY {order}"


def _trigrams(text: str) -> list[str]:
    grams: list[str] = []
    for word in words_of(text):
        if len(word) < 3:
            continue
        grams += [word[i : i + 3] for i in range(len(word) - 2)]
    return list(dict.fromkeys(grams))[:40]
