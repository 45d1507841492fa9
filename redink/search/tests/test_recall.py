"""The bounded ranking finds what the unbounded one does: recall@10 against every match scored
(the benchmark's reference), on a generated library with the bounds made small enough that
most of its queries pass them. Run unchanged on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from redink.catalogue.models import Essay, Level
from redink.search.backends import get_backend
from redink.search.backends.base import SearchRequest
from redink.search.bench.reference import reference_top
from redink.search.query import STOP_WORDS, parse_query, words_of

pytestmark = pytest.mark.django_db

ESSAYS = 400
# The bounds, scaled to a library of 400 as the tuned ones are to one of 160,000: a common
# word's top and best essays are many more than a page, and far fewer than its matches.
RANK_CANDIDATES = 50
TOP_PER_WORD, BEST_PER_WORD = 40, 20


@pytest.fixture
def bounded(monkeypatch):  # type: ignore[no-untyped-def]
    from redink.search import impact, services
    from redink.search.backends import sqlite_fts5
    from redink.search.backends.postgres import tuning as postgres

    for module in (postgres, sqlite_fts5):
        monkeypatch.setattr(module, "RANK_CANDIDATES", RANK_CANDIDATES)
        monkeypatch.setattr(module, "RECENT_WINDOW", 5)
    monkeypatch.setattr(postgres, "EXACT_RANK_LIMIT", RANK_CANDIDATES)
    monkeypatch.setattr(impact, "TOP_PER_WORD", TOP_PER_WORD)
    monkeypatch.setattr(impact, "BEST_PER_WORD", BEST_PER_WORD)
    # The thresholds are estimated from a sample of the library, as in a large one.
    monkeypatch.setattr(services, "IMPACT_SAMPLE", ESSAYS // 4)


@pytest.fixture
def library(bounded):  # type: ignore[no-untyped-def]
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    call_command("generate_corpus", essays=ESSAYS, seed=3, workers=1, min_words=300, max_words=600, quiet=True, **quiet)
    call_command("rebuild_search_index", "--quiet", **quiet)


def queries() -> list[tuple[str, int | None]]:
    """Words in more essays than are ranked, alone, in pairs and within a level; and a few
    rarer words, ranked exactly."""
    df: Counter[str] = Counter()
    for body in Essay.objects.published().values_list("body", flat=True):
        df.update({w for w in words_of(body) if w.isalpha() and w not in STOP_WORDS})
    by_share = sorted(df, key=lambda w: (-df[w], w))
    common = [w for w in by_share if df[w] > RANK_CANDIDATES][::2][:30]
    rarer = [w for w in by_share if 20 <= df[w] <= RANK_CANDIDATES // 2][::50][:5]
    levels = list(Level.objects.order_by("pk").values_list("pk", flat=True))
    asked: list[tuple[str, int | None]] = [(w, None) for w in common + rarer]
    asked += [(f"{a} {b}", None) for a, b in zip(common[::2], common[1::2], strict=False)]
    asked += [(w, levels[n % len(levels)]) for n, w in enumerate(common[:10])]
    return asked


def test_the_bounded_ranking_finds_the_unbounded_top_ten(library):
    backend = get_backend()
    recalls, bounded_queries = [], 0
    for q, level_id in queries():
        request = SearchRequest(query=parse_query(q), level_id=level_id, per_page=10, with_facets=False)
        reference = reference_top(request, k=10)
        assert reference, q
        page = backend.search(request)
        bounded_queries += page.total > RANK_CANDIDATES
        recalls.append(len({hit.essay_id for hit in page.hits} & set(reference)) / len(reference))
    recall = sum(recalls) / len(recalls)
    print(f"recall@10 {recall:.3f} over {len(recalls)} queries, {bounded_queries} past the bound")
    assert bounded_queries >= 40, "the bound must matter for most of the queries"
    assert recall >= 0.9


def test_a_joined_words_heaviest_users_come_first_past_the_bound(bounded, section):
    """A word the tokenizer splits at its underscores ("rate_constant") ranks its heaviest
    users first when more essays hold it than are ranked."""
    from redink.testing.factories import make_essay

    uses = {}
    filler = "Ports and tides. " * 20
    for n in range(160):
        times = n % 16 + 1  # in texts of the same length
        text = f"Kinetics.\n\n{'rate_constant ' * times}{'measured ' * (16 - times)}\n\n{filler}"
        uses[make_essay(section=section, title=f"Reaction study {n}", text=text).pk] = times
    call_command("rebuild_search_index", "--quiet")
    request = SearchRequest(query=parse_query("rate_constant"), per_page=10, with_facets=False)
    page = get_backend().search(request)
    assert page.total > RANK_CANDIDATES
    assert [uses[hit.essay_id] for hit in page.hits] == [16] * 10
