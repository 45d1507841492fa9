"""What the index holds for each essay: its words, its free and hidden parts, its top words."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redink.search.documents import split_free_hidden
from redink.search.impact import K1, B, Impact, compute_thresholds, impact_words, load_thresholds
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


def test_top_words_are_the_common_words_an_essay_scores_highly_for():
    text = "missile " * 12 + "crisis cuba the the the"
    length = len(words_of(text))
    norm = K1 * (1 - B + B * length / 10.0)
    missile_score = 12 * (K1 + 1) / (12 + norm)
    thresholds = {"missile": missile_score, "crisis": 5.0, "the": 0.1, "absent": 0.0}
    best = {**thresholds, "the": 2.0}
    assert impact_words(words_of(text), Impact(top=thresholds, best=best, average_length=10.0)) == (
        ["missile", "the"],
        ["missile"],
    )
    raised = {**thresholds, "missile": missile_score + 1e-9}
    assert impact_words(words_of(text), Impact(top=raised, best=raised, average_length=10.0)) == (["the"], ["the"])


def test_the_best_tier_keeps_fewer_essays_per_word_than_the_top_tier():
    # A sample of 200 texts from a library of 20,000, each holding "war" 1 to 50 times: the top
    # tier keeps about 1,500 of the library's essays for it (16 of the sample), the best tier 400 (4).
    sample = [f"essay {i} " + "war " * (1 + i % 50) + "filler " * 40 for i in range(200)]
    impact = compute_thresholds(sample, library_size=20_000)
    tops = [impact_words(words_of(text), impact) for text in sample]
    in_top = sum("war" in top for top, _ in tops)
    in_best = sum("war" in best for _, best in tops)
    assert (in_best, in_top) == (4, 16)
    assert all(set(best) <= set(top) for top, best in tops)


def test_a_one_word_block_matches_a_whole_word_only():
    assert split_free_hidden(["Cuba", "Cub"], ("Cub",)) == ("Cub", "Cuba")


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a rebuild command runs
def test_worker_processes_make_the_same_documents_in_the_same_order(library):
    impact = load_thresholds()
    alone = list(published_documents(impact=impact, chunk=2, workers=1))
    forked = list(published_documents(impact=impact, chunk=2, workers=2))
    assert len(alone) == len(library) >= 3
    assert forked == alone


def test_sqlite_marks_each_part_of_a_top_word_the_tokenizer_splits():
    from redink.search.backends.sqlite_fts5 import _marked_top

    assert _marked_top("cuban_missile 1962 été") == "topxcuban topxmissile topx1962 topxété"
