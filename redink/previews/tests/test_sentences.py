"""Sentence splitting: previews may only cut where a generated sentence really ends."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redink.previews.sentences import normalise_paragraph, split_sentences, word_count

from .essays import essays, long_paragraphs, normal_paragraphs, one_word_paragraphs, stopless_paragraphs

paragraphs = st.one_of(normal_paragraphs, one_word_paragraphs, stopless_paragraphs)


@given(paragraphs)
def test_splits_exactly_at_the_generated_sentence_ends(sentences: tuple[str, ...]) -> None:
    assert split_sentences(" ".join(sentences)) == list(sentences)


@given(long_paragraphs)
def test_splits_a_very_long_paragraph_at_every_sentence_end(sentences: tuple[str, ...]) -> None:
    assert len(sentences) >= 200
    assert split_sentences(" ".join(sentences)) == list(sentences)


@given(essays)
def test_word_count_is_the_sum_over_sentences(essay) -> None:  # type: ignore[no-untyped-def]
    assert sum(word_count(p) for p in essay.texts) == essay.words
    assert sum(word_count(s) for p in essay.texts for s in split_sentences(p)) == essay.words


@given(st.text(alphabet=st.sampled_from("aB1 .?!…\"'“”()-,"), max_size=80).map(normalise_paragraph))
def test_any_text_splits_into_nonempty_sentences_that_rejoin_to_it(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == paragraph
    assert all(sentences)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ('He asked, "Why now?" Nobody answered.', ['He asked, "Why now?"', "Nobody answered."]),
        ('"Why now?" she asked. Nobody answered.', ['"Why now?" she asked.', "Nobody answered."]),
        ('He shouted, "Stop!" They stopped.', ['He shouted, "Stop!"', "They stopped."]),
        (
            "Prices rose by 3.5. Then they fell by 0.025 a year.",
            ["Prices rose by 3.5.", "Then they fell by 0.025 a year."],
        ),
        ("In 1955-62 trade grew. It slowed.", ["In 1955-62 trade grew.", "It slowed."]),
        (
            "J. M. Keynes and T. S. Eliot met Dr. Smith c. 1950.",
            ["J. M. Keynes and T. S. Eliot met Dr. Smith c. 1950."],
        ),
        ("Some goods, e.g. Wheat, i.e. Grain, left the U.S. Navy yard.", None),
        ("Mr. Jones lived near St. Paul's.", None),
        ("He paused... then went on.", None),
        ("He paused… then went on.", None),
        ("He paused... Then he went on.", ["He paused...", "Then he went on."]),
        ("He waited… The bell rang.", ["He waited…", "The bell rang."]),
        ("He paused... (briefly) and went on.", None),
        ('"Why now?" (she asked) and left.', None),
        ('He paused… "quietly" he said.', None),
        ("A heading with no full stop at all", None),
        ("Introduction", None),
    ],
)
def test_tricky_paragraphs(paragraph: str, expected: list[str] | None) -> None:
    assert split_sentences(paragraph) == (expected if expected is not None else [paragraph])


def test_a_sentence_ending_in_an_abbreviation_is_kept_with_the_next() -> None:
    # Ambiguous, so the splitter does not invent a boundary: the preview shows less, never half a sentence.
    assert split_sentences("They moved to the U.S. Then they left.") == ["They moved to the U.S. Then they left."]


def test_normalise_paragraph_single_spaces_the_text() -> None:
    assert normalise_paragraph("  One\tsentence.\n\nAnother  one. ") == "One sentence. Another one."
