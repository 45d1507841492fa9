"""Search: the search page's backend, query language and snippets, limits and oracle rules.

`search_essays` is called exactly as redink/search/views.py calls it, with this caller as the
viewer: an essay is found by words anywhere in it, but a snippet is cut only from what the
caller may read, and a caller without full access has quoted phrases matched as sets of
words. The page's limit per client address is shared with the page (the same count: the API
is no way round it), and a token has a limit of its own as well.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router

from redink.core.clients import client_key
from redink.core.links import site_url
from redink.core.ratelimit import Rate, Verdict, limit_consume, wait_phrase
from redink.search.selectors import MAX_PAGE, search_essays

from ..auth import VIEWER_OPENAPI_EXTRA, api_token, api_viewer, viewer_auth
from ..errors import ApiError
from ..schemas import Facet, SearchHit, SearchOut, essay_card
from . import SLUG, errors

router = Router(tags=["search"], auth=viewer_auth)

SearchSort = Literal["relevance", "newest", "most-read", "best-rated"]


def _refuse(verdict: Verdict, what: str) -> ApiError:
    return ApiError(
        429,
        f"{what} Please try again in {wait_phrase(verdict.retry_after)}.",
        headers={"Retry-After": str(max(1, verdict.retry_after))},
    )


def _consume_search_limits(request: HttpRequest) -> None:
    rate = Rate(int(settings.REDINK_SEARCHES_PER_MINUTE), 60)
    # The page's own scope and key (core.ratelimit.rate_limited("search", …)): one count per address.
    verdict = limit_consume(scope="search", ident=client_key(request), rate=rate)
    if not verdict.allowed:
        raise _refuse(verdict, "You have made a great many searches in the last minute.")
    token = api_token(request)
    if token is not None:
        verdict = limit_consume(scope="api-search-token", ident=str(token.pk), rate=rate)
        if not verdict.allowed:
            raise _refuse(verdict, "This token has made a great many searches in the last minute.")


@router.get("/", response={200: SearchOut, **errors(422)}, openapi_extra=VIEWER_OPENAPI_EXTRA)
def search(
    request: HttpRequest,
    q: str = Query("", max_length=1000, description='Words, "phrases" and -exclusions, as on the search page.'),
    level: str | None = Query(None, pattern=SLUG, max_length=80),
    subject: str | None = Query(None, pattern=SLUG, max_length=80),
    section: str | None = Query(None, pattern=SLUG, max_length=120),
    marked: bool = Query(False, description="Only essays marked by a teacher."),
    sort: SearchSort = "relevance",
    page: int = Query(1, ge=1, le=MAX_PAGE),
    as_typed: bool = Query(False, description="Do not take a level or subject named in `q` as a filter."),
) -> SearchOut:
    """Essays matching `q`, with snippets cut only from what the caller may read."""
    _consume_search_limits(request)
    params = {"sort": sort, "page": str(page)}
    params.update(
        {name: value for name, value in (("level", level), ("subject", subject), ("section", section)) if value}
    )
    if marked:
        params["marked"] = "1"
    if as_typed:
        params["as_typed"] = "1"
    found = search_essays(raw=q, params=params, viewer=api_viewer(request))
    next_url = None
    if found.results and found.page < found.num_pages:
        query = request.GET.copy()
        query["page"] = str(found.page + 1)
        next_url = site_url(f"{request.path}?{query.urlencode()}")
    return SearchOut(
        query=q,
        sort=found.sort,
        page=found.page,
        num_pages=found.num_pages,
        total=found.total,
        total_capped=found.total_capped,
        results=[
            SearchHit(essay=essay_card(r.essay), snippet_html=str(r.snippet), matched_hidden_only=r.matched_hidden_only)
            for r in found.results
        ],
        level_facets=[Facet(slug=lv.slug, name=lv.name, level=None, count=n) for lv, n in found.level_facets],
        subject_facets=[Facet(slug=s.slug, name=s.name, level=s.level.slug, count=n) for s, n in found.subject_facets],
        did_you_mean=found.did_you_mean,
        corrected=found.corrected.display() if found.corrected else None,
        message=found.message,
        phrases_as_words=found.phrases_as_words,
        scope_page=found.scope_page,
        next=next_url,
    )
