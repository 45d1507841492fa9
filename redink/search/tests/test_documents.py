"""What the index holds for each essay: its words, and its free and hidden parts. Whether its
top words serve the bounded ranking is measured by recall (test_recall.py)."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redink.search.documents import split_free_hidden
from redink.search.impact import load_thresholds
from redink.search.query import words_of
from redink.search.services import published_documents


def test_words_are_lower_cased_and_underscores_alone_are_not_words():
    assert words_of("The Cuban_Missile crisis, 1962 -- ___ _x_ ÉTÉ") == (
        "the",
        "cuban_missile",
        "crisis",
        "1962",
        "_x_",
        "été",
    )


@given(st.text(alphabet=st.sampled_from(list("ab_ \u0130\u0131ßÉΣς1\u0307\t\n…,.")), max_size=40))
def test_words_are_each_word_of_the_text_lower_cased(text):
    import re

    expected = tuple(w.lower() for w in re.findall(r"\w+", text) if w.strip("_"))
    assert words_of(text) == expected


def _mask_split(body_words, blocks):
    """The plain way: mark each block's words where it is found, in order. A block's first
    word matches whole (so a one-word block is a whole word); its last may be cut short."""
    shown = [False] * len(body_words)
    position = 0
    for block in blocks:
        words = block.split()
        if words and words[-1].endswith("…"):
            words[-1] = words[-1][:-1]
            if not words[-1]:
                words.pop()
        for i in range(position, len(body_words) - len(words) + 1) if words else ():
            if (
                body_words[i] == words[0]
                and body_words[i : i + len(words) - 1] == words[:-1]
                and body_words[i + len(words) - 1].startswith(words[-1])
            ):
                shown[i : i + len(words)] = [True] * len(words)
                position = i + len(words)
                break
    free = " ".join(w for w, s in zip(body_words, shown, strict=True) if s)
    hidden = " ".join(w for w, s in zip(body_words, shown, strict=True) if not s)
    return free, hidden


@given(
    words=st.lists(st.sampled_from(["the", "cold", "war", "began", "in", "1947", "Cuba", "Cub"]), max_size=30),
    cuts=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5), st.booleans()), max_size=4),
)
def test_a_preview_block_is_free_and_the_rest_hidden(words, cuts):
    blocks = tuple(" ".join(words[start : start + size]) + ("…" if clipped else "") for start, size, clipped in cuts)
    free, hidden = split_free_hidden(words, blocks)
    assert (free, hidden) == _mask_split(words, blocks)
    assert Counter(free.split()) + Counter(hidden.split()) == Counter(words)


def test_a_clipped_last_word_still_marks_the_block_free():
    body = "Khrushchev sent missiles to Cuba in secret and Kennedy answered with a blockade".split()
    free, hidden = split_free_hidden(body, ("sent missiles to Cu…", "with a blockade"))
    assert free == "sent missiles to Cuba with a blockade"
    assert hidden == "Khrushchev in secret and Kennedy answered"


def test_a_one_word_block_matches_a_whole_word_only():
    assert split_free_hidden(["Cuba", "Cub"], ("Cub",)) == ("Cub", "Cuba")


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a rebuild command runs
def test_worker_processes_make_the_same_documents_in_the_same_order(library):
    impact = load_thresholds()
    alone = list(published_documents(impact=impact, chunk=2, workers=1))
    forked = list(published_documents(impact=impact, chunk=2, workers=2))
    assert len(alone) == len(library) >= 3
    assert forked == alone
