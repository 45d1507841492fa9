"""A search: the count and facets, the page of matches in the requested order (the bounded
ranking's candidates, or the walk of a sort's index), and the snippets."""

from __future__ import annotations

import heapq
from typing import Any

from redink.catalogue.models import Essay
from redink.search.query import ParsedQuery

from ..base import MARK_END, MARK_START, Hit, SearchPage, SearchRequest, facet_lists
from . import tuning
from .sql import (
    BEST_RATED_ORDER,
    CONFIG,
    Matching,
    any_phrase_sql,
    best_rated_walk,
    filters_sql,
    matching,
    one_word,
    rank_sql,
    through_gin_indexes,
    tsquery_sql,
)

HEADLINE = (
    f'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=32, MinWords=16, MaxFragments=2, FragmentDelimiter=" … "'
)


class Searching:
    """The backend's search (a mixin of PostgresBackend)."""

    def search(self, request: SearchRequest) -> SearchPage:
        if request.query.is_empty:
            return SearchPage(hits=[], total=0, total_capped=False)
        match = matching(request)
        offset = (request.page - 1) * request.per_page
        unfiltered = not (request.level_id or request.subject_id or request.section_id)
        with through_gin_indexes() as cursor:
            facet_rows = None
            if request.with_facets and unfiltered:
                # Without a level, subject or section filter the facets count the same
                # matches as the total: one pass over them serves both.
                facet_rows, newest = _facet_rows(cursor, request=request, match=match, with_newest=True)
                total = sum(row[2] for row in facet_rows)
            else:
                cursor.execute(
                    "SELECT count(*), array_agg(essay_id) FROM (SELECT essay_id FROM search_document "
                    f"WHERE {match.where} LIMIT %s) m",
                    [*match.params, tuning.COUNT_CAP + 1],
                )
                total, matches = cursor.fetchone()
                newest = _newest(matches or [], total)
            ids = _ranked_ids(cursor, request=request, match=match, total=total, newest=newest, offset=offset)
            hits = _snippets(cursor, ids, request.query, full_access=request.full_access)
            page = SearchPage(hits=hits, total=min(total, tuning.COUNT_CAP), total_capped=total > tuning.COUNT_CAP)
            if request.with_facets and total:
                if facet_rows is None:
                    facet_rows, _ = _facet_rows(cursor, request=request, match=match)
                page.level_facets, page.subject_facets = facet_lists(facet_rows, level_id=request.level_id)
        return page


def _ranked_ids(
    cursor: Any, *, request: SearchRequest, match: Matching, total: int, newest: list[int], offset: int
) -> list[int]:
    """The page of matches in the requested order. `newest` holds the newest (highest id)
    RANK_CANDIDATES matches (every match when there are no more), or nothing when there
    are more than the count reads."""
    limit = request.per_page
    where, params = match.where, match.params
    if request.sort == "relevance":
        rank, rank_params = rank_sql(request, match.q_sql, match.q_params)
        if total > tuning.EXACT_RANK_LIMIT:
            # Bounded: matches with a query word in the title, essays among the top for one
            # of the query's common words (impact.py), and, when the count read every match,
            # the newest of them. Each candidate costs a document fetched from out-of-line
            # storage, so a one-word query over the whole library takes the narrower `best`
            # tier for its first pages; with a level, subject or section the best matches
            # are spread over the levels and the wider `top` tier serves. A page the
            # candidates cannot fill falls to the wider tier, then (up to RANK_CANDIDATES
            # matches) to the exact ranking: every page up to the count holds results.
            filtered = request.level_id or request.subject_id or request.section_id
            narrow = one_word(request.query) and not filtered and offset + limit <= tuning.BEST_TIER_ROWS
            for tier in ("best", "top") if narrow else ("top",):
                ids = _bounded_ids(cursor, request=request, match=match, newest=newest, offset=offset, tier=tier)
                if len(ids) == limit or (tier == "top" and total > tuning.RANK_CANDIDATES):
                    return ids
        # Exact. GIN matches of a plain tsquery need no recheck: each document is read once,
        # by the ranking.
        cursor.execute(
            f"SELECT essay_id FROM search_document WHERE {where} ORDER BY {rank} DESC, essay_id DESC "
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
    args: list[Any]
    if total <= tuning.RANK_CANDIDATES:
        # The count read every match: sort them.
        sql, args = f"SELECT {key} FROM {rows} WHERE {key} = ANY(%s)", [newest]
    elif total <= tuning.COUNT_CAP:
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
            sql, args = best_rated_walk(where, params, offset + limit)
        else:
            sql = (
                f"SELECT {key} FROM {rows} WHERE e.status = %s AND EXISTS "
                f"(SELECT 1 FROM search_document d WHERE d.essay_id = {key} AND {where})"
            )
            args = [Essay.Status.PUBLISHED, *params]
    cursor.execute(f"{sql} ORDER BY {order} LIMIT %s OFFSET %s", [*args, limit, offset])
    return [row[0] for row in cursor.fetchall()]


def _bounded_ids(
    cursor: Any, *, request: SearchRequest, match: Matching, newest: list[int], offset: int, tier: str
) -> list[int]:
    """A page of the bounded ranking, its candidates drawn from the `top` or `best` tier.
    Being in a tier for a word implies holding it, so for a one-word query the tier's
    essays are matches without a test against the full document."""
    where, params = match.where, match.params
    rank, rank_params = rank_sql(request, match.q_sql, match.q_params)
    any_sql, any_params = any_phrase_sql(request.query)
    t_sql, t_params = filters_sql(request)
    if one_word(request.query):
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
            tuning.RANK_CANDIDATES // 2,
            *top_params,
            tuning.RANK_CANDIDATES,
            newest[: tuning.RECENT_WINDOW],
            *rank_params,
            request.per_page,
            offset,
        ],
    )
    return [row[0] for row in cursor.fetchall()]


def _snippets(cursor: Any, ids: list[int], query: ParsedQuery, *, full_access: bool) -> list[Hit]:
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
    any_sql, any_params = any_phrase_sql(query)
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
    cursor: Any, *, request: SearchRequest, match: Matching, with_newest: bool = False
) -> tuple[list[tuple[int, int, int]], list[int]]:
    """(level, subject, matches) over at most COUNT_CAP + 1 matches, whatever the taxonomy
    filters; with `with_newest`, also the RANK_CANDIDATES newest of those matches."""
    f_sql, f_params = filters_sql(request, taxonomy=False)
    # The ids are gathered unordered (a hash aggregate; ordering them in SQL sorts every row).
    newest_sql = ", array_agg(essay_id)" if with_newest else ""
    cursor.execute(
        f"SELECT level_id, subject_id, count(*){newest_sql} FROM (SELECT level_id, subject_id, essay_id "
        f"FROM search_document WHERE document @@ ({match.q_sql}){f_sql} LIMIT %s) m GROUP BY level_id, subject_id",
        [*match.q_params, *f_params, tuning.COUNT_CAP + 1],
    )
    rows = cursor.fetchall()
    total = sum(row[2] for row in rows)
    newest = _newest([i for row in rows for i in row[3]], total) if with_newest else []
    return [(row[0], row[1], row[2]) for row in rows], newest


def _newest(matches: list[int], total: int) -> list[int]:
    """The RANK_CANDIDATES highest ids of the matches a count read, or none when the count
    stopped at its cap: the ids it read are then the first in table order, not the newest."""
    if total > tuning.COUNT_CAP:
        return []
    return heapq.nlargest(tuning.RANK_CANDIDATES, matches)
