"""Newest, most read and best rated give the true order of every match, on either database.

A query matching more essays than the exact ranking takes (3,000) must still put the newest,
most read or best rated of all its matches first, not of the most recently indexed ones, with
equal keys going to the newer essay (the higher id). The expected order is worked out here from
the rows themselves, by one rule whatever the database, so this test runs unchanged on SQLite and
on PostgreSQL and the two runs prove the backends agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.search.backends.base import COUNT_CAP, RANK_CANDIDATES
from redink.search.selectors import MAX_PAGE, PER_PAGE, search_essays

pytestmark = pytest.mark.django_db

MATCHES = RANK_CANDIDATES + 400
SORT_KEYS = {
    "newest": lambda e: (e.published_at, e.pk),
    "most-read": lambda e: (e.reading_count, e.pk),
    "best-rated": lambda e: (e.rating_score, e.review_count, e.pk),
}


NOW = timezone.now()


def _keys(n: int) -> dict[str, object]:
    """Sort keys with long runs of ties, the best of them on the oldest rows (the lowest ids),
    so that an order drawn from the most recently indexed matches alone would miss them."""
    rated = n % 7 == 0
    return {
        # Forty distinct instants, shared by about ninety essays each, newest on the first rows.
        "published_at": NOW - timedelta(hours=n % 40 + n // 1000),
        "reading_count": max(0, 500 - n) // 10,
        "rating_score": (4.5 if n < 100 else 3.25) if rated else 0.0,
        "review_count": (n % 3 + 1) if rated else 0,
        "rating_average": 4.5 if rated else 0.0,
    }


@pytest.fixture(scope="module")
def lighthouses(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """MATCHES published essays naming "lighthouse", and one that does not, indexed once for
    the module (a few seconds: each test would otherwise build them again)."""
    from redink.testing.factories import SectionFactory

    with django_db_blocker.unblock():
        section = SectionFactory()
        subject, level = section.subject, section.subject.level
        body = "The keeper trimmed the lighthouse lamp at dusk.\n\nShips passed the headland safely."
        essays = [
            Essay(
                title=f"The lighthouse keeper's log, entry {n}",
                slug=f"lighthouse-log-{n}",
                section=section,
                subject=subject,
                level=level,
                body=body,
                word_count=16,
                status=Essay.Status.PUBLISHED,
                **_keys(n),  # type: ignore[arg-type]
            )
            for n in range(MATCHES)
        ]
        Essay.objects.bulk_create(essays, batch_size=500)
        Essay.objects.create(
            title="A harbour without a light",
            slug="harbour-without-light",
            section=section,
            subject=subject,
            level=level,
            body="Nothing here names the tower.",
            status=Essay.Status.PUBLISHED,
            published_at=timezone.now(),
            reading_count=10_000,
        )
        call_command("rebuild_search_index", "--quiet")
        yield
        Essay.objects.filter(section=section).delete()
        section.delete()
        subject.delete()
        level.delete()
        call_command("rebuild_search_index", "--quiet")


def _expected(sort: str) -> list[str]:
    matches = Essay.objects.filter(title__contains="lighthouse").only(
        "slug", "published_at", "reading_count", "rating_score", "review_count"
    )
    return [e.slug for e in sorted(matches, key=SORT_KEYS[sort], reverse=True)]


def _shown(sort: str, page: int) -> list[str]:
    results = search_essays(raw="lighthouse", params={"sort": sort, "page": str(page)}, viewer=None)
    assert results.sort == sort
    return [r.essay.slug for r in results.results]


@pytest.mark.usefixtures("lighthouses")
@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_each_sort_orders_every_match(sort):
    expected = _expected(sort)
    assert len(expected) == MATCHES > RANK_CANDIDATES
    assert _shown(sort, 1) == expected[:PER_PAGE]
    # The last page a reader can reach, and one between.
    for page in (2, MAX_PAGE // 2, MAX_PAGE):
        assert _shown(sort, page) == expected[(page - 1) * PER_PAGE : page * PER_PAGE], page


@pytest.mark.usefixtures("lighthouses")
@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_each_sort_keeps_its_order_past_the_count(sort, monkeypatch):
    """Where the count stops (a word in most of the library), the order is still every match's.
    The bounds are made smaller, in the same proportion, so this library passes them."""
    from redink.search.backends import sqlite_fts5
    from redink.search.backends.postgres import tuning as postgres

    for module in (postgres, sqlite_fts5):
        monkeypatch.setattr(module, "RANK_CANDIDATES", 300)
        monkeypatch.setattr(module, "COUNT_CAP", 1000)
    assert MATCHES > 1000 and COUNT_CAP > RANK_CANDIDATES
    expected = _expected(sort)
    for page in (1, MAX_PAGE):
        assert _shown(sort, page) == expected[(page - 1) * PER_PAGE : page * PER_PAGE], page
