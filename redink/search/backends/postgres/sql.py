"""The SQL expressions of a search, built from bound parameters only (never raw text): the
tsquery, the filters, the ranking, and the walk of the best-rated order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from redink.catalogue.models import Essay
from redink.search.query import ParsedQuery, Phrase

from ..base import SearchRequest
from . import tuning

CONFIG = "english"
# "Best rated": the lower bound of the teachers' stars (redink.marking.rating), then more reviews.
BEST_RATED_ORDER = "e.rating_score DESC, e.review_count DESC, e.id DESC"


@dataclass(frozen=True)
class Matching:
    """A search's match condition on `search_document` (`where`, with `params`), and the
    tsquery it is built on (`q_sql`, with `q_params`) for the ranking and the tiers."""

    where: str
    params: list[Any]
    q_sql: str
    q_params: list[str]


def matching(request: SearchRequest) -> Matching:
    q_sql, q_params = tsquery_sql(request.query)
    f_sql, f_params = filters_sql(request)
    return Matching(
        where=f"document @@ ({q_sql}){f_sql}", params=[*q_params, *f_params], q_sql=q_sql, q_params=q_params
    )


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


def any_phrase_sql(query: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery matching any one of the query's positive phrases."""
    parts, params = [], []
    for clause in query.clauses:
        for phrase in clause.options:
            sql, p = _phrase_sql(phrase)
            parts.append(sql)
            params += p
    return " || ".join(parts), params


def filters_sql(request: SearchRequest, *, taxonomy: bool = True) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if taxonomy:
        for column, value in (
            ("level_id", request.level_id),
            ("subject_id", request.subject_id),
            ("section_id", request.section_id),
        ):
            if value:
                # A plain condition. Hiding the column from the planner ("level_id + 0", to keep
                # it off the column's own index) bought nothing at 160,000 essays: the backend's
                # filtered queries of the committed log, p50 / p95, 26.4 / 36.8 and 28.4 / 48.7
                # ms without it against 30.0 / 42.0 and 26.5 / 41.7 ms with it, in alternating runs.
                clauses.append(f"{column} = %s")
                params.append(int(value))
    if request.teacher_marked:
        clauses.append("marked")
    return "".join(f" AND {c}" for c in clauses), params


def rank_sql(request: SearchRequest, q_sql: str, q_params: list[str]) -> tuple[str, list[str]]:
    """The ranking expression and its parameters. A reader with full access gets cover density
    (`ts_rank_cd`: how closely the query's words stand together). Any other reader's ranking
    must not weigh where the hidden words stand, so it is `ts_rank` over the query's words
    OR'd: PostgreSQL then scores each word by its own occurrences and weights alone, never by
    its distance from the others (an AND query would measure the distances)."""
    if request.full_access:
        return f"ts_rank_cd('{tuning.RANK_WEIGHTS}', document, ({q_sql}))", q_params
    words = list(dict.fromkeys(request.query.words))
    any_word = " || ".join(f"plainto_tsquery('{CONFIG}', %s)" for _ in words)
    rank = f"ts_rank('{tuning.RANK_WEIGHTS}', document, ({any_word}))"
    # A phrase typed that stands in the title or the free text (weights A and B) lifts the
    # essay, as bm25 does on SQLite: that text is the reader's to see.
    shown = [p.visible_phrase.text() for c in request.query.clauses for p in c.options if p.visible_phrase]
    for _ in shown:
        rank += f" + (ts_filter(document, '{{a,b}}') @@ phraseto_tsquery('{CONFIG}', %s))::int"
    return rank, [*words, *shown]


def best_rated_walk(where: str, params: list[Any], rows: int) -> tuple[str, list[Any]]:
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


def one_word(query: ParsedQuery) -> bool:
    clauses = query.clauses
    return len(clauses) == 1 and len(clauses[0].options) == 1 and clauses[0].options[0].is_word and not query.excluded


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@contextmanager
def through_gin_indexes() -> Iterator[Any]:
    """A cursor that finds matches through the GIN indexes, never by reading the table. The
    planner prices `document @@ query` on a row as cheap, so for a capped query (LIMIT) of a
    word it expects in many essays it picks a scan that detoasts every document it passes
    (about a second at 160,000 essays), where the index answers in milliseconds. Measured at
    160,000 essays (the backend alone over the committed query log, the same hour): with the
    setting, very common words p50 / p95 25 to 37 / 29 to 40 ms and the whole log's p95 33 to
    44 ms; without it, 145 / 171 ms and 152 ms (the worst query 470 ms), past the budget of 1.5
    times SQLite's p95.

    The setting is local to the transaction; when the block runs inside a caller's
    transaction, it is put back for the rest of it."""
    nested = connection.in_atomic_block
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        previous = cursor.fetchone()[0]
        yield cursor
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
