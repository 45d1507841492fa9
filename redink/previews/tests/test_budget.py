"""The preview budget, and the lead and extracts previews measured against it.

Cuts are checked against the generator's own sentences (see essays.py), never against the
splitter, so a splitter that invented or missed a boundary would fail here too.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from redink.previews.budget import (
    ELLIPSIS,
    EXTRACTS,
    LEAD,
    Preview,
    build_preview,
    extracts_preview,
    lead_preview,
    preview_budget,
)
from redink.previews.sentences import word_count

from .essays import Essay, caps, essays, long_essays, ratios

DEFAULT = {"ratio": 0.3, "max_words": 800}


# --- the budget ---------------------------------------------------------------------------


@given(st.integers(0, 100_000), ratios, st.integers(1, 2_000))
@example(90, 0.7, 800)  # 0.7 * 90 is 62.99999999999999 in floating point
@example(180, 0.35, 800)
@example(100, 0.57, 800)
def test_budget_is_the_share_of_the_words_capped_and_never_below_one(total: int, ratio: float, cap: int) -> None:
    budget = preview_budget(total, ratio=ratio, max_words=cap)
    share = Fraction(str(ratio)) * total  # the ratio as the setting spells it: 0.3 is 3/10
    assert 1 <= budget <= max(1, cap)
    assert budget <= max(1, share)
    # No smaller than it has to be: one more word would break the share or the cap.
    assert budget == 1 or budget + 1 > share or budget == cap


@pytest.mark.parametrize(
    ("total", "expected"),
    [(0, 1), (1, 1), (3, 1), (10, 3), (100, 30), (2_666, 799), (2_667, 800), (100_000, 800)],
)
def test_default_budget(total: int, expected: int) -> None:
    assert preview_budget(total, **DEFAULT) == expected


# --- checks shared by the properties --------------------------------------------------------


def _check_common(preview: Preview, essay: Essay, ratio: float, max_words: int) -> None:
    assert preview.total_words == essay.words
    assert preview.budget == preview_budget(essay.words, ratio=ratio, max_words=max_words)
    assert preview.blocks, "a preview is never empty"
    assert all(block.strip() for block in preview.blocks)
    shown = sum(word_count(block) for block in preview.blocks)
    assert preview.words == shown
    assert shown <= preview.budget
    assert Preview.from_json(preview.to_json()) == preview
    first = essay.sentences[0]
    assert preview.clipped == (word_count(first) > preview.budget)
    if preview.clipped:
        _check_clip(preview, first)
    else:
        assert all(block in " ".join(essay.texts) for block in preview.blocks)


def _check_clip(preview: Preview, first: str) -> None:
    """The first sentence cut at a word boundary: exactly budget words, the last carrying '…'."""
    (block,) = preview.blocks
    assert block.endswith(ELLIPSIS)
    assert word_count(block) == preview.budget
    shown, original = block.removesuffix(ELLIPSIS).split(), first.split()
    assert shown[:-1] == original[: preview.budget - 1]
    assert original[preview.budget - 1].startswith(shown[-1])
    assert shown[-1][-1] not in ",;:", "no trailing comma before the ellipsis"


def _lead_sentence_count(preview: Preview, essay: Essay) -> int:
    """How many opening sentences the lead shows; fails unless each block is a paragraph's opening."""
    count = 0
    for index, block in enumerate(preview.blocks):
        paragraph = essay.paragraphs[index]
        openings = [" ".join(paragraph[:n]) for n in range(1, len(paragraph) + 1)]
        assert block in openings, f"block {index} is not whole opening sentences of paragraph {index}"
        n = openings.index(block) + 1
        if index < len(preview.blocks) - 1:
            assert n == len(paragraph), "only the last block may stop inside its paragraph"
        count += n
    return count


def _extract_runs(preview: Preview, essay: Essay, *, last_ends_essay: bool = False) -> list[tuple[int, int]] | None:
    """Sentence runs [a, b) matching the blocks in order, not overlapping, the first at 0; None if none do.

    Essays repeat sentences, so a block may match several runs: taking, block by block, the
    run that ends soonest finds a chain whenever one exists.
    """
    sentences = essay.sentences
    stream = " ".join(sentences)
    starts, ends, offset = {}, {}, 0
    for index, text in enumerate(sentences):
        starts[offset] = index
        offset += len(text)
        ends[offset] = index + 1
        offset += 1
    runs: list[tuple[int, int]] = []
    after = 0
    for number, block in enumerate(preview.blocks):
        found, at = [], stream.find(block)
        while at != -1:
            if at in starts and at + len(block) in ends:
                found.append((starts[at], ends[at + len(block)]))
            at = stream.find(block, at + 1)
        if number == 0:
            found = [(a, b) for a, b in found if a == 0]
        if last_ends_essay and number == len(preview.blocks) - 1:
            found = [(a, b) for a, b in found if b == len(sentences)]
        found = [(a, b) for a, b in found if a >= after]
        if not found:
            return None
        runs.append(min(found, key=lambda run: run[1]))
        after = runs[-1][1]
    return runs


def check_lead(essay: Essay, ratio: float, max_words: int) -> Preview:
    preview = lead_preview(essay.texts, ratio=ratio, max_words=max_words)
    assert preview.style == LEAD
    _check_common(preview, essay, ratio, max_words)
    if not preview.clipped:
        count = _lead_sentence_count(preview, essay)
        sentences = essay.sentences
        used = sum(word_count(s) for s in sentences[:count])
        assert used == preview.words
        assert count == len(sentences) or used + word_count(sentences[count]) > preview.budget, (
            "the lead stops before a sentence that would still fit"
        )
    return preview


def check_extracts(essay: Essay, ratio: float, max_words: int) -> Preview:
    preview = extracts_preview(essay.texts, ratio=ratio, max_words=max_words)
    assert preview.style == EXTRACTS
    _check_common(preview, essay, ratio, max_words)
    if not preview.clipped:
        assert 1 <= len(preview.blocks) <= 3
        runs = _extract_runs(preview, essay)
        assert runs is not None, "extracts are runs of whole sentences, in order, not overlapping, from the first"
        if len(runs) == 3:
            assert _extract_runs(preview, essay, last_ends_essay=True), "the third extract is the end of the essay"
    return preview


# --- properties -------------------------------------------------------------------------------


@given(essays)
def test_lead_preview_with_the_default_budget(essay: Essay) -> None:
    check_lead(essay, **DEFAULT)


@given(essays)
def test_extracts_preview_with_the_default_budget(essay: Essay) -> None:
    check_extracts(essay, **DEFAULT)


@given(essays, ratios, caps)
def test_lead_preview_with_other_ratios_and_caps(essay: Essay, ratio: float, cap: int) -> None:
    check_lead(essay, ratio, cap)


@given(essays, ratios, caps)
def test_extracts_preview_with_other_ratios_and_caps(essay: Essay, ratio: float, cap: int) -> None:
    check_extracts(essay, ratio, cap)


@settings(max_examples=30)
@given(long_essays)
def test_a_long_essay_is_capped_at_800_words(essay: Essay) -> None:
    assert essay.words * 0.3 >= 800
    lead = check_lead(essay, **DEFAULT)
    extracts = check_extracts(essay, **DEFAULT)
    assert lead.budget == extracts.budget == 800
    assert lead.words > 800 - max(word_count(s) for s in essay.sentences)
    assert extracts.words <= 800


@given(essays, st.sampled_from([LEAD, EXTRACTS]))
def test_build_preview_picks_the_style(essay: Essay, style: str) -> None:
    assert build_preview(essay.texts, style=style, **DEFAULT).style == style


# --- examples ---------------------------------------------------------------------------------


def _words(n: int, *, last: str = ".") -> str:
    return " ".join(["Word"] + ["word"] * (n - 1)) + last


@pytest.mark.parametrize("make", [lead_preview, extracts_preview])
def test_first_sentence_over_budget_is_clipped_to_exactly_the_budget(make) -> None:  # type: ignore[no-untyped-def]
    # 100 words in one sentence: a budget of 30.
    preview = make([_words(100)], **DEFAULT)
    assert preview.clipped
    assert preview.budget == preview.words == 30
    assert preview.blocks == [" ".join(["Word"] + ["word"] * 29) + ELLIPSIS]
    assert word_count(preview.blocks[0]) == 30  # the ellipsis rides on the last word


@pytest.mark.parametrize("make", [lead_preview, extracts_preview])
def test_no_trailing_comma_before_the_ellipsis(make) -> None:  # type: ignore[no-untyped-def]
    text = "First, second, third, fourth, fifth, sixth, seventh, eighth, ninth, tenth, eleventh, twelfth."
    preview = make([text], ratio=0.3, max_words=3)
    assert preview.blocks == ["First, second, third…"]


@pytest.mark.parametrize("make", [lead_preview, extracts_preview])
def test_a_one_word_essay_is_shown_whole(make) -> None:  # type: ignore[no-untyped-def]
    preview = make(["Introduction"], **DEFAULT)
    assert preview.blocks == ["Introduction"]
    assert (preview.words, preview.budget, preview.clipped) == (1, 1, False)


@pytest.mark.parametrize("make", [lead_preview, extracts_preview])
def test_an_essay_with_no_full_stop_is_clipped(make) -> None:  # type: ignore[no-untyped-def]
    # 20 words without a full stop are one sentence, over a budget of 6.
    preview = make([" ".join(["Headings and notes often run on without any full stop"] * 2)], **DEFAULT)
    assert preview.clipped
    assert preview.blocks == ["Headings and notes often run on…"]


def test_lead_keeps_whole_sentences_and_paragraphs() -> None:
    paragraphs = [
        'Dr. Smith arrived c. 1950. He asked, "Why now?" Nobody answered.',
        "Prices rose by 3.5 per cent. Then they fell.",
        _words(40),
    ]
    preview = lead_preview(paragraphs, **DEFAULT)
    assert preview.budget == 18
    assert preview.blocks == [paragraphs[0], "Prices rose by 3.5 per cent."]
    assert preview.words == 17


def test_extracts_take_the_beginning_middle_and_end() -> None:
    sentences = [f"Sentence number {n} ends here." for n in range(1, 21)]  # 5 words each, 100 in all
    preview = extracts_preview([" ".join(sentences[:10]), " ".join(sentences[10:])], **DEFAULT)
    assert preview.budget == 30
    assert preview.blocks == [
        " ".join(sentences[:2]),
        " ".join(sentences[10:12]),
        " ".join(sentences[18:]),
    ]
    assert preview.words == 30


def test_extracts_do_not_repeat_an_opening_that_runs_past_the_middle() -> None:
    # The first sentence is over a third of the budget (10), so the opening takes four
    # sentences, past the middle word: no middle extract may start inside it.
    sentences = ["The first sentence is long.", "Two.", "Three.", "Four.", "The last one here."]
    preview = extracts_preview([" ".join(sentences)], ratio=0.9, max_words=800)
    assert preview.budget == 10
    assert preview.blocks == [" ".join(sentences[:4])]
