"""A search that names a level and a subject ("GCSE history", "a level macbeth", "ib biology
cells") finds the essays of that level and subject, with their filters chosen; on both databases."""

from __future__ import annotations

import re

import pytest

from redink.search.selectors import search_essays
from redink.testing.factories import LevelFactory, SectionFactory, SubjectFactory, make_essay

pytestmark = pytest.mark.django_db

MACBETH = (
    "Macbeth's ambition is the engine of the play: the witches name a future and he runs to meet it, "
    "while Lady Macbeth steadies his nerve until her own gives way."
)
CELLS = (
    "Cells divide by mitosis to grow and repair tissue; each daughter cell receives a full copy of the "
    "chromosomes, checked at each stage of the cycle."
)
COLD_WAR = (
    "The history of the Cold War in Europe turned on Berlin, where the blockade and the wall each "
    "tested how far either side would go."
)


@pytest.fixture
def catalogue():  # type: ignore[no-untyped-def]
    gcse = LevelFactory(name="GCSE", slug="gcse", position=0)
    a_level = LevelFactory(name="A Level", slug="a-level", position=1)
    ib = LevelFactory(name="IB", slug="ib", position=2)

    def section(level, subject, name):  # type: ignore[no-untyped-def]
        return SectionFactory(subject=SubjectFactory(level=level, name=subject), name=name)

    return {
        "gcse history": make_essay(
            title="The Berlin crises", text=COLD_WAR, section=section(gcse, "History", "Cold War")
        ),
        "gcse english": make_essay(
            title="Ambition in Macbeth", text=MACBETH, section=section(gcse, "English Literature", "Shakespeare")
        ),
        "a level english": make_essay(
            title="Macbeth and the witches", text=MACBETH, section=section(a_level, "English Literature", "Drama")
        ),
        "a level history": make_essay(
            title="Why Berlin mattered", text=COLD_WAR, section=section(a_level, "History", "Europe 1945-1990")
        ),
        "ib biology": make_essay(title="How cells divide", text=CELLS, section=section(ib, "Biology", "Cell biology")),
        "gcse biology": make_essay(
            title="Cell division", text=CELLS, section=section(gcse, "Biology", "Cells and organisation")
        ),
    }


def slugs(results):  # type: ignore[no-untyped-def]
    return sorted(r.essay.slug for r in results.results)


def test_a_level_and_words_finds_that_levels_essays_with_the_level_chosen(catalogue):
    results = search_essays(raw="a level macbeth", params={}, viewer=None)
    assert slugs(results) == [catalogue["a level english"].slug]
    assert results.filters.level.name == "A Level" and results.filters.subject is None
    assert results.scope_named and results.scope_rest == "macbeth"
    # Spelt the other usual ways.
    for typed in ("A-Level Macbeth", "macbeth a levels", "A LEVEL macbeth"):
        assert slugs(search_essays(raw=typed, params={}, viewer=None)) == [catalogue["a level english"].slug], typed


def test_a_level_a_subject_and_words(catalogue):
    results = search_essays(raw="ib biology cells", params={}, viewer=None)
    assert slugs(results) == [catalogue["ib biology"].slug]
    assert (results.filters.level.name, results.filters.subject.name) == ("IB", "Biology")


def test_a_level_and_subject_alone_open_their_page(client, catalogue):
    subject = catalogue["gcse history"].subject
    response = client.get("/search/", {"q": "GCSE history"})
    assert response.status_code == 302 and response["Location"] == subject.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert catalogue["gcse history"].title in page and catalogue["a level history"].title not in page
    response = client.get("/search/", {"q": "gcse"})
    assert response["Location"] == subject.level.get_absolute_url()


def test_the_page_shows_the_filter_chosen_and_offers_the_search_as_typed(client, catalogue):
    page = client.get("/search/", {"q": "gcse macbeth"}).content.decode()
    assert "Showing GCSE essays that match “macbeth”" in page
    assert re.search(r'<strong aria-current="true">GCSE</strong>', page)
    assert catalogue["gcse english"].title in page and catalogue["a level english"].title not in page
    as_typed = client.get("/search/", {"q": "gcse macbeth", "as_typed": "1"}).content.decode()
    assert "Showing GCSE essays" not in as_typed


def test_a_subject_without_a_level_and_names_in_quotes_are_words(catalogue):
    # "history" alone is a word of the text: both history essays say it, at both levels.
    assert slugs(search_essays(raw="history berlin", params={}, viewer=None)) == sorted(
        [catalogue["gcse history"].slug, catalogue["a level history"].slug]
    )
    quoted = search_essays(raw='"a level" macbeth', params={}, viewer=None)
    assert not quoted.scope_named and quoted.filters.level is None


def test_a_level_chosen_in_the_facets_wins_over_one_typed(catalogue):
    gcse = catalogue["gcse english"].level
    results = search_essays(raw="a level macbeth", params={"level": gcse.slug}, viewer=None)
    assert slugs(results) == [catalogue["gcse english"].slug]
    assert not results.scope_named


def test_a_level_or_subject_found_by_its_other_names(catalogue):
    a_level = catalogue["a level english"].level
    a_level.name, a_level.slug, a_level.aliases = "AS and A Level", "as-and-a-level", "A Level, AS"
    a_level.save()  # the search looks the new names up at once
    english = catalogue["a level english"].subject
    english.aliases = "English Lit"
    english.save()
    results = search_essays(raw="a level english lit macbeth", params={}, viewer=None)
    assert slugs(results) == [catalogue["a level english"].slug]
    assert (results.filters.level, results.filters.subject) == (a_level, english)


def test_the_demo_library_answers_the_searches_people_type(client):
    from django.core.management import call_command
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", "--essays-only")
    for typed, level, title in (
        ("a level gatsby", "AS and A Level", "How does Fitzgerald present the American Dream in The Great Gatsby?"),
        ("ib biology caffeine", "International Baccalaureate", "To what extent does caffeine concentration"),
        ("A-level english lit keats", "AS and A Level", "How do Wordsworth and Keats present nature?"),
    ):
        results = search_essays(raw=typed, params={}, viewer=None)
        assert results.filters.level is not None and results.filters.level.name == level, typed
        assert results.results and results.results[0].essay.title.startswith(title), typed
    response = client.get("/search/", {"q": "GCSE history"})
    assert response.status_code == 302 and response["Location"] == "/gcse/history/"


def test_when_the_level_named_holds_no_match_every_level_is_searched_and_the_page_says_so(client, catalogue):
    # Only the GCSE and A Level essays are about Macbeth: none at IB.
    results = search_essays(raw="ib macbeth", params={}, viewer=None)
    assert slugs(results) == sorted([catalogue["gcse english"].slug, catalogue["a level english"].slug])
    assert results.filters.level is None and results.scope_empty.name == "IB"
    page = client.get("/search/", {"q": "ib macbeth"}).content.decode()
    assert "No IB essays match “macbeth”, so these are from every level." in page
