"""Search sorted "Best rated": by the lower bound of the teachers' stars, on SQLite FTS5 and on
PostgreSQL, in the exact ranking and past the bounds that keep large result sets cheap."""

from __future__ import annotations

import re

import pytest

from redink.catalogue.models import Essay
from redink.marking.tests.test_ratings import Rated, give_reviews, make_rated
from redink.search.backends import get_backend
from redink.search.backends.base import SearchRequest
from redink.search.query import parse_query
from redink.search.selectors import search_essays
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db


def hit_slugs(results) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.essay.slug for r in results.results]


def slugs(*essays: Essay) -> list[str]:
    return [e.slug for e in essays]


@pytest.fixture
def rated(section) -> Rated:  # type: ignore[no-untyped-def]
    return make_rated(section)


class TestBestRated:
    def test_ranks_by_the_lower_bound(self, rated):
        results = search_essays(raw="harbour", params={"sort": "best-rated"}, viewer=None)
        assert results.sort == "best-rated"
        assert hit_slugs(results) == slugs(rated.forty, rated.ten, rated.one, rated.none)

    def test_a_member_gets_the_same_order(self, rated, member):
        results = search_essays(raw="harbour trade", params={"sort": "best-rated"}, viewer=member)
        assert hit_slugs(results) == slugs(rated.forty, rated.ten, rated.one, rated.none)

    def test_the_old_best_address_means_best_rated(self, rated):
        results = search_essays(raw="harbour", params={"sort": "best"}, viewer=None)
        assert results.sort == "best-rated"
        assert hit_slugs(results) == slugs(rated.forty, rated.ten, rated.one, rated.none)

    def test_with_the_marked_filter(self, rated):
        results = search_essays(raw="harbour", params={"sort": "best-rated", "marked": "1"}, viewer=None)
        assert hit_slugs(results) == slugs(rated.forty, rated.ten, rated.one)

    def test_follows_reviews_published_after_indexing(self, rated):
        give_reviews(rated.none, [5] * 60, prefix="sixty")  # no reindex needed: ratings are read fresh
        results = search_essays(raw="harbour", params={"sort": "best-rated"}, viewer=None)
        assert hit_slugs(results)[0] == rated.none.slug

    def test_the_page_offers_and_keeps_the_sort(self, client, rated):
        body = client.get("/search/?q=harbour&sort=best-rated").content.decode()
        assert '<option value="best-rated" selected>Best rated</option>' in body
        found = re.findall(r'<li class="essay-card search-hit">\s*<h3><a href="/essays/([^/]+)/">', body)
        assert found == slugs(rated.forty, rated.ten, rated.one, rated.none)


@pytest.fixture
def crowd(section):  # type: ignore[no-untyped-def]
    """Seventeen matches: an old essay with two 5-star reviews, twelve unrated ones, then the four
    of `make_rated` (the newest)."""
    old = make_essay(section=section, title="Harbour trade reviewed long ago")
    give_reviews(old, [5, 5], prefix="old")
    fillers = [make_essay(section=section, title=f"Harbour trade filler {n}") for n in range(12)]
    rated = make_rated(section)
    return old, fillers, rated


def _expected() -> list[str]:
    """Every match in the catalogue's best-rated order (the exact answer)."""
    return list(
        Essay.objects.filter(title__startswith="Harbour trade")
        .order_by("-rating_score", "-review_count", "-id")
        .values_list("slug", flat=True)
    )


@pytest.mark.parametrize(
    ("rank_candidates", "count_cap"),
    [(10, 12), (5, 100)],
    ids=["more-matches-than-the-count-reads", "more-than-the-exact-ranking-takes"],
)
def test_best_rated_keeps_its_order_past_the_bounds(crowd, monkeypatch, rank_candidates, count_cap):
    from redink.search.backends import sqlite_fts5
    from redink.search.backends.postgres import tuning as postgres

    for module in (postgres, sqlite_fts5):
        monkeypatch.setattr(module, "RANK_CANDIDATES", rank_candidates)
        monkeypatch.setattr(module, "COUNT_CAP", count_cap)
    old, _, rated = crowd
    backend = get_backend()
    request = SearchRequest(query=parse_query("harbour"), sort="best-rated", per_page=20)
    page = backend.search(request)
    shown = [h.essay_id for h in page.hits]
    essays = Essay.objects.in_bulk(shown)
    keys = [(essays[i].rating_score, essays[i].review_count, i) for i in shown]
    assert keys == sorted(keys, reverse=True)
    assert shown[:2] == [rated.forty.pk, rated.ten.pk]
    assert shown.index(rated.one.pk) < shown.index(rated.none.pk), "rated before unrated"
    # The true best-rated matches of the whole library, the old rated essay among them, page
    # after page.
    expected = _expected()
    assert [essays[i].slug for i in shown] == expected
    assert expected.index(old.slug) == 2
    for number in (1, 2, 3, 4):
        paged = backend.search(SearchRequest(query=parse_query("harbour"), sort="best-rated", page=number, per_page=5))
        assert [h.essay_id for h in paged.hits] == [
            Essay.objects.get(slug=s).pk for s in expected[(number - 1) * 5 : number * 5]
        ], number
