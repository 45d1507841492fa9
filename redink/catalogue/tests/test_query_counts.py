"""The essay page and the search page cost a fixed number of SQL queries: as many for an essay
with three reviews, comments and related essays as for one with twelve (eight related, the most
shown), and as many for a search with three results as for one with twelve."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.catalogue.parts import parts_key
from redink.marking.comments import comment_add
from redink.marking.services import ReviewInput, review_save
from redink.related.ranking import RELATED_LIMIT
from redink.related.services import related_rebuild
from redink.testing.factories import LevelFactory, SectionFactory, SubjectFactory, UserFactory, committed, make_essay

pytestmark = pytest.mark.django_db

MOST_QUERIES = 10
WORDS = ("khrushchev", "kennedy", "missiles", "cuba", "blockade", "soviet", "nuclear", "berlin")


def cold_war_text(seed: int) -> str:
    """Six paragraphs about the Cold War: similar enough that each essay relates to the others."""
    paragraphs = []
    for p in range(6):
        words = [WORDS[(seed + p + i * 3) % len(WORDS)] for i in range(40)]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs)


class Library:
    """One essay with `n` reviews and `n` margin comments, and `n` other essays like it."""

    def __init__(self, section) -> None:  # type: ignore[no-untyped-def]
        self.section = section
        self.essay = make_essay(section=section, title="The Cuban missile crisis", text=cold_war_text(0))
        self.others = 0

    def grow_to(self, n: int) -> None:
        while self.others < n:
            self.others += 1
            make_essay(section=self.section, title=f"Cold War essay {self.others}", text=cold_war_text(self.others))
            teacher = UserFactory(is_verified_teacher=True, display_name=f"Teacher {self.others}")
            data = ReviewInput(stars=4, strengths="Clear argument.", next_steps="Weigh the evidence.")
            committed(review_save, essay=self.essay, teacher=teacher, data=data, publish=True)
            self.essay.refresh_from_db()
            start = self.others * 10
            comment_add(
                essay=self.essay,
                teacher=teacher,
                body=f"Comment {self.others}",
                start=start,
                end=start + 8,
                text_version=self.essay.text_version,
            )
        related_rebuild()
        self.essay.refresh_from_db()


def page_queries(client, essay, viewer, *, fresh: bool) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The page and its queries; `fresh`: its text, reviews and rating line rendered anew."""
    url = essay.get_absolute_url()
    client.get(url)  # the library's figures are counted once, then kept for minutes
    if fresh:
        essay = Essay.objects.get(pk=essay.pk)  # as the page reads it, without cards kept from before
        visible = essay_text_for(essay=essay, viewer=viewer)
        cache.delete(parts_key(essay=essay, visible=visible, signed_in=viewer is not None))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(page_own(queries.captured_queries))


def page_own(captured: list[dict[str, str]]) -> list[str]:
    """The page's own queries: without the database cache's (on SQLite the cache is a table;
    with Redis its reads and writes are no SQL at all)."""
    bookkeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in captured if "redink_cache" not in q["sql"] and not q["sql"].startswith(bookkeeping)]


@pytest.mark.parametrize("viewer_kind", ["visitor", "member", "teacher"])
def test_the_essay_page_costs_the_same_queries_with_three_reviews_comments_and_related_or_twelve(
    client, section, member, viewer_kind
):
    viewer = {"visitor": None, "member": member, "teacher": UserFactory(is_verified_teacher=True)}[viewer_kind]
    if viewer:
        client.force_login(viewer)
    library = Library(section)
    counts = {}
    for n in (3, 12):
        library.grow_to(n)
        fresh_body, fresh = page_queries(client, library.essay, viewer, fresh=True)
        kept_body, kept = page_queries(client, library.essay, viewer, fresh=False)
        counts[n] = (fresh, kept)
        assert fresh_body.count('class="related-card"') == min(n, RELATED_LIMIT)
        assert f"from {n} teacher reviews" in fresh_body and f"from {n} teacher reviews" in kept_body
        if viewer_kind != "visitor":
            assert fresh_body.count('<li class="margin-note') == n == kept_body.count('<li class="margin-note')
    assert counts[3] == counts[12], counts
    assert max(counts[12]) <= MOST_QUERIES, counts


@pytest.mark.parametrize("viewer_kind", ["visitor", "member"])
def test_the_search_page_costs_the_same_queries_with_three_results_or_twelve(client, section, member, viewer_kind):
    if viewer_kind == "member":
        client.force_login(member)
    elsewhere = SectionFactory(subject=SubjectFactory(level=LevelFactory(name="A Level", slug="a-level")))
    counts = {}
    made = 0
    for n in (3, 12):
        while made < n:
            made += 1
            make_essay(
                section=section if made % 2 else elsewhere,
                title=f"Zanzibar and the Cold War, part {made}",
                text=cold_war_text(made),
            )
        client.get("/search/", {"q": "zanzibar"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "zanzibar"})
        assert response.status_code == 200
        assert response.content.decode().count("Zanzibar and the Cold War, part") >= n
        counts[n] = len(page_own(queries.captured_queries))
    assert counts[3] == counts[12], counts
