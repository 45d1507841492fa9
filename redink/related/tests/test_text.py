"""Cutting titles and passages, and the terms a signature is made of."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redink.related.ranking import Choice, merged
from redink.related.text import cut_at_word, cut_title, term_counts


@pytest.mark.parametrize(
    ("title", "cut"),
    [
        ("Short title", "Short title"),
        (
            "To what extent was Khrushchev to blame for the Cuban Missile Crisis of October 1962?",
            "To what extent was Khrushchev to blame for the Cuban...",
        ),
        # A word ending exactly at the limit is kept whole; punctuation before the cut goes.
        (
            "Assess the importance of détente, glasnost and perestroika in ending it",
            "Assess the importance of détente, glasnost and...",
        ),
        ("Supercalifragilisticexpialidocious" * 3, ("Supercalifragilisticexpialidocious" * 3)[:57] + "..."),
    ],
)
def test_titles_are_cut_at_a_word_boundary_with_three_dots(title, cut):
    assert cut_title(title) == cut


@given(st.text(alphabet=st.sampled_from("abc dé,.?"), max_size=200), st.integers(min_value=4, max_value=120))
def test_a_cut_fits_and_ends_on_a_whole_word_of_the_original(text, limit):
    normal = " ".join(text.split())
    result = cut_at_word(text, limit=limit)
    if len(normal) <= limit:
        assert result == normal
        return
    assert len(result) <= limit and result.endswith("...")
    head = result[:-3]
    assert normal.startswith(head)
    first_word = normal.split(" ", 1)[0]
    if len(first_word) <= limit - 3:  # else there is no whole word to show, and it is cut hard
        rest_of_word = normal[len(head) :].split(" ", 1)[0]
        assert set(rest_of_word) <= set(",;:-([{\"'")


def test_terms_leave_out_stop_words_and_most_numbers_but_keep_years():
    counts = term_counts("The Cold War, 1945-1991: the Cuban crisis of 1962 lasted 13 days; the cold war went on.")
    assert counts == {
        "cold": 2,
        "war": 2,
        "1945": 1,
        "1991": 1,
        "cuban": 1,
        "crisis": 1,
        "1962": 1,
        "lasted": 1,
        "days": 1,
        "went": 1,
    }


def test_a_newcomer_enters_a_list_by_tier_then_similarity():
    current = [Choice(related_id=1, tier=0, score=0.3), Choice(related_id=2, tier=1, score=0.9)]
    assert [c.related_id for c in merged(current, Choice(related_id=3, tier=0, score=0.2))] == [1, 3, 2]
    assert [c.related_id for c in merged(current, Choice(related_id=3, tier=2, score=0.99))] == [1, 2, 3]
    assert [c.related_id for c in merged(current, Choice(related_id=3, tier=0, score=0.01))] == [1, 2]
    full = [Choice(related_id=n, tier=0, score=0.5) for n in range(8)]
    assert merged(full, Choice(related_id=9, tier=1, score=0.99)) == full
