"""How far a typed word is from a correction: the measure behind 'Did you mean …?'."""

import pytest

from redink.search.spelling import allowed_edits, edit_distance


@pytest.mark.parametrize(
    ("typed", "word", "edits"),
    [
        ("essay", "essay", 0),
        ("esay", "essay", 1),  # a letter left out
        ("essasy", "essay", 1),  # one too many
        ("essey", "essay", 1),  # one wrong
        ("esasy", "essay", 1),  # two side by side swapped: one slip, not two
        ("photosynthsis", "photosynthesis", 1),
        ("fotosinthesis", "photosynthesis", 3),  # past what any correction takes
        ("cat", "photosynthesis", 3),
    ],
)
def test_edits_between_a_typed_word_and_a_known_one(typed, word, edits):
    assert edit_distance(typed, word) == edits == edit_distance(word, typed)


def test_long_words_may_take_two_edits_short_ones_one():
    assert allowed_edits("cuba") == 1
    assert allowed_edits("brinkmanship") == 2
    assert edit_distance("brinkmenshiq", "brinkmanship") <= allowed_edits("brinkmanship")
