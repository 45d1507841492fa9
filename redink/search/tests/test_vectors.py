"""The search index's words: what a query's words meet, on both databases, and PostgreSQL's
document vectors, made in Python, against the ones PostgreSQL makes itself."""

import pytest
from django.db import connection

from redink.search.backends import get_backend
from redink.search.selectors import search_essays
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db
# Enough text after the first paragraph to keep the free preview short.
LONG_TAIL = " ".join(f"Filler sentence {n} keeps the preview short." for n in range(30))


def found(raw: str, viewer=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.essay.title for r in search_essays(raw=raw, params={}, viewer=viewer).results]


def test_numbers_and_joined_words_are_found_as_typed(section, member):
    make_essay(
        section=section,
        title="Enzyme activity and pH",
        text=f"Catalase worked fastest at a pH of 6.5 and a well-known 37.5 degrees.\n\n{LONG_TAIL}\n\n"
        "The variable named rate_constant_k held the fitted value.",
    )
    make_essay(section=section, title="Osmosis in potato cylinders", text=f"Potato cylinders lost mass.\n\n{LONG_TAIL}")
    # A member's joined words and phrases match exactly.
    assert found("6.5", member) == ["Enzyme activity and pH"]
    assert found('"pH of 6.5"', member) == ["Enzyme activity and pH"]
    assert found("37.5 degrees", member) == ["Enzyme activity and pH"]
    assert found('"well-known 37.5"', member) == ["Enzyme activity and pH"]
    assert found("rate_constant_k", member) == ["Enzyme activity and pH"]
    assert found('"named rate constant k"', member) == ["Enzyme activity and pH"]
    # A visitor's match the set of their words (the potato essay's hidden filler holds a 5 and
    # a 6), but the essay whose readable text holds them as typed comes first.
    assert found("6.5")[0] == "Enzyme activity and pH"
    assert found('"pH of 6.5"')[0] == "Enzyme activity and pH"


def suggested(client, typed: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get("/search/suggest/", {"q": typed})
    assert response.status_code == 200
    return [s["title"] for s in response.json()["suggestions"]]


def test_suggestions_follow_every_letter_typed(client, section):
    church = make_essay(
        section=section, title="Antidisestablishmentarianism and the Victorian church", text=f"Bishops.\n\n{LONG_TAIL}"
    ).title
    enzyme = make_essay(section=section, title="Enzyme activity at pH 6.5", text=f"Catalase.\n\n{LONG_TAIL}").title
    word = "antidisestablishmentarianism"  # longer than the prefixes kept whole (tsvector.PREFIX_LENGTH)
    for size in range(2, len(word) + 1):  # suggestions start at two letters
        assert church in suggested(client, word[:size]), word[:size]
    assert suggested(client, "victorian antidis") == [church]
    assert suggested(client, "the victorian ch") == [church]
    # Split as typed words are split: 6 and 5.
    assert suggested(client, "enzyme activity at ph 6.5") == [enzyme]
    assert suggested(client, "ph 6") == [enzyme]
    assert get_backend().title_prefix_search(["x" * 300], limit=8) == []  # the view cuts the text at 120


def test_suggestions_split_joined_words_as_the_index_does(client, section):
    teens = make_essay(section=section, title="Self_esteem in teenagers", text=f"Surveys.\n\n{LONG_TAIL}").title
    assert suggested(client, "esteem in teen") == [teens]
    assert suggested(client, "self est") == [teens]
    assert suggested(client, "self_esteem in") == [teens]


@pytest.fixture
def postgresql():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's document vectors")
    from redink.search.backends.tsvector import VectorMaker, tokens_of

    return VectorMaker("english"), tokens_of


def pg_vector(parts: list[tuple[list[str], str]]) -> str:
    """PostgreSQL's own vector of the same words: each part through to_tsvector, joined by ||."""
    sql = " || ".join(f"setweight(to_tsvector('english', %s), '{weight or 'D'}')" for _, weight in parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", [" ".join(tokens) for tokens, _ in parts])
        return cursor.fetchone()[0]


def as_vector(literal: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", [literal])
        return cursor.fetchone()[0]


TEXTS = {
    "plain": ("The causes of the First World War", "The war began in 1914. The alliances were to blame.", "It ended."),
    "stop words at the edges": ("The war of the", "and the war was over and", "the end of it all, the"),
    "numbers and joins": ("pH 6.5 and rate_k", "At 37.5 degrees, well-known snake_case_words: café, naïve.", "x_y_z"),
    # Words PostgreSQL's parser cuts further: "x²the" is x and the stop word "the" (two
    # positions), a lone "²" nothing at all (a superscript two is neither letter nor digit to it).
    "words the parser cuts": ("Area in m²", "the x²the cat sat on ² the x²y mat", "x²y ²"),
    "all stop words": ("The", "and the of", "was"),
    "empty parts": ("", "Only the free text here.", ""),
    "a word past 255 uses": ("Weather", "rain " * 300 + "sun", "rain " * 40 + "clouds"),
    "past the last position": ("Long", "word " * 9000 + "middle", "tail " * 9000 + "end of the essay"),
}


@pytest.mark.postgresql
@pytest.mark.parametrize("name", TEXTS)
def test_postgresql_vectors_are_the_ones_postgresql_makes(postgresql, name):
    maker, tokens_of = postgresql
    title, free, hidden = TEXTS[name]
    parts = [(list(tokens_of(title)), "A"), (list(tokens_of(free)), "B"), (list(tokens_of(hidden)), "")]
    with connection.cursor() as cursor:
        stems = maker.stems(cursor, {token for tokens, _ in parts for token in tokens})
    expected = pg_vector(parts)
    assert as_vector(maker.literal(parts, stems)) == expected
    # The word-at-a-time path, taken by the texts the quick path cannot make, agrees too.
    assert as_vector(maker._exact_literal(parts, stems)) == expected


@pytest.mark.postgresql
def test_postgresql_stems_outlive_a_full_memory(postgresql, monkeypatch):
    from redink.search.backends import tsvector

    maker, tokens_of = postgresql
    monkeypatch.setattr(tsvector, "MAX_KNOWN_WORDS", 5)
    first = [(list(tokens_of("alpha beta gamma delta")), "")]
    second = [(list(tokens_of("alpha beta epsilon zeta eta theta")), "")]
    with connection.cursor() as cursor:
        maker.stems(cursor, set(first[0][0]))
        # Learning this batch's new words fills the memory, which starts again; the batch's
        # words already known must still be there for its vectors.
        stems = maker.stems(cursor, set(second[0][0]))
    assert as_vector(maker.literal(second, stems)) == pg_vector(second)
    assert len(maker.known) <= 5


def test_a_match_in_the_free_text_is_not_called_hidden(section):
    """The page must not say "matched in the full essay" of a word the visitor can read, even
    where PostgreSQL's snippet maker splits it otherwise (it keeps "6.5" whole)."""
    make_essay(section=section, title="Enzyme activity", text=f"Best at pH 6.5 here.\n\n{LONG_TAIL}\n\nHidden 931.47.")
    hits = search_essays(raw="6.5", params={}, viewer=None).results
    assert [hit.matched_hidden_only for hit in hits] == [False]
    hidden = search_essays(raw="931.47", params={}, viewer=None).results
    assert [hit.matched_hidden_only for hit in hidden] == [True]


@pytest.mark.django_db(transaction=True)
def test_documents_prepared_in_worker_processes_are_the_ones_made_here(section):
    from redink.search.backends import get_backend
    from redink.search.impact import load_thresholds
    from redink.search.services import published_documents

    long_tail = " ".join(f"Sentence {n} of the essay about trade winds and caravels." for n in range(30))
    for n in range(7):
        make_essay(section=section, title=f"Sailing routes, part {n}", text=f"Part {n} opens here.\n\n{long_tail}")
    impact = load_thresholds()
    here = list(published_documents(impact=impact, chunk=2, workers=1))
    if connection.vendor == "postgresql":
        from redink.search.backends.postgres.indexing import VECTORS

        VECTORS.known.clear()  # the workers ask PostgreSQL for the stems, on their own connections
    forked = list(published_documents(impact=impact, chunk=2, workers=2))
    assert [d.essay_id for d in forked] == [d.essay_id for d in here]
    assert [d.prepared for d in forked] == [d.prepared for d in here]
    assert all(d.prepared for d in forked) == (connection.vendor == "postgresql")
    # And they index as the ones made here do.
    get_backend().rebuild(forked)
    assert len(found("caravels")) == 7


@pytest.mark.postgresql
def test_the_vector_cost_benchmark_times_both_ways_for_the_essays_asked(postgresql, section):
    from redink.search.bench.vectors import vector_cost

    for n in range(3):
        make_essay(section=section, title=f"Essay {n} on the Cold War", text=f"Khrushchev and Kennedy.\n\n{LONG_TAIL}")
    cost = vector_cost(essays=2)
    assert cost["essays"] == 2
    assert cost["python_ms_per_essay"] > 0 and cost["plain_to_tsvector_ms_per_essay"] > 0
    assert cost["literal_read_ms_per_essay"] > 0
