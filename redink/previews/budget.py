"""Free previews: how many words a visitor may read, and which ones.

Pure functions over a list of paragraphs. The result is a plain, JSON-serialisable
`Preview` that the catalogue stores per text version, so a page view only reads it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from fractions import Fraction

from .sentences import split_sentences, word_count

LEAD = "lead"
EXTRACTS = "extracts"
STYLES = (LEAD, EXTRACTS)
ELLIPSIS = "…"


def preview_budget(total_words: int, *, ratio: float, max_words: int) -> int:
    """The most words a preview may show: ratio of the essay, capped, never below one."""
    # The ratio as written (0.7 is 7/10): in floating point 90 * 0.7 is 62.99999999999999.
    share = Fraction(str(ratio)) * total_words
    return max(1, min(max_words, math.floor(share)))


@dataclass(frozen=True)
class Preview:
    style: str
    blocks: list[str] = field(default_factory=list)
    words: int = 0
    total_words: int = 0
    budget: int = 0
    clipped: bool = False  # the first sentence alone was over budget and was cut mid-way

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Preview:
        return cls(**data)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Sentence:
    paragraph: int
    text: str
    words: int


def _sentences(paragraphs: list[str]) -> list[_Sentence]:
    return [
        _Sentence(index, sentence, word_count(sentence))
        for index, paragraph in enumerate(paragraphs)
        for sentence in split_sentences(paragraph)
    ]


def _clip(sentence: str, budget: int) -> str:
    words = sentence.split()[:budget]
    words[-1] = words[-1].rstrip(",;:–—-") or words[-1]  # noqa: RUF001 (dashes are the point)
    return " ".join(words) + ELLIPSIS


def lead_preview(paragraphs: list[str], *, ratio: float, max_words: int) -> Preview:
    """The opening of the essay, as many whole sentences as the budget allows."""
    return _lead(_sentences(paragraphs), ratio=ratio, max_words=max_words)


def _lead(sentences: list[_Sentence], *, ratio: float, max_words: int) -> Preview:
    total = sum(s.words for s in sentences)
    budget = preview_budget(total, ratio=ratio, max_words=max_words)
    if not sentences:
        return Preview(style=LEAD, total_words=0, budget=budget)
    shown: list[list[str]] = []
    used = 0
    last_paragraph = -1
    for sentence in sentences:
        if used + sentence.words > budget:
            break
        if sentence.paragraph != last_paragraph:
            shown.append([])
            last_paragraph = sentence.paragraph
        shown[-1].append(sentence.text)
        used += sentence.words
    if not shown:
        first = sentences[0]
        return Preview(
            style=LEAD, blocks=[_clip(first.text, budget)], words=budget, total_words=total, budget=budget, clipped=True
        )
    return Preview(style=LEAD, blocks=[" ".join(p) for p in shown], words=used, total_words=total, budget=budget)


def _take_forward(sentences: list[_Sentence], start: int, limit: int, stop: int) -> int:
    """Index one past the last sentence from `start` that fits in `limit` words, before `stop`."""
    end, used = start, 0
    while end < stop and used + sentences[end].words <= limit:
        used += sentences[end].words
        end += 1
    return end


def extracts_preview(paragraphs: list[str], *, ratio: float, max_words: int) -> Preview:
    """Three extracts — beginning, middle and end — each made of whole sentences."""
    return _extracts(_sentences(paragraphs), ratio=ratio, max_words=max_words)


def _extracts(sentences: list[_Sentence], *, ratio: float, max_words: int) -> Preview:
    total = sum(s.words for s in sentences)
    budget = preview_budget(total, ratio=ratio, max_words=max_words)
    if not sentences:
        return Preview(style=EXTRACTS, total_words=0, budget=budget)
    count = len(sentences)
    spans: list[tuple[int, int]] = []

    begin_end = _take_forward(sentences, 0, budget // 3, count)
    if begin_end == 0:
        # A first sentence longer than a third of the budget: one extract of whole
        # sentences from the opening, or the clipped first sentence.
        begin_end = _take_forward(sentences, 0, budget, count)
        if begin_end == 0:
            clipped = _clip(sentences[0].text, budget)
            return Preview(
                style=EXTRACTS, blocks=[clipped], words=budget, total_words=total, budget=budget, clipped=True
            )
    spans.append((0, begin_end))
    used = sum(s.words for s in sentences[:begin_end])

    # Middle: start at the first sentence that begins at or after the middle word.
    offsets, running = [], 0
    for sentence in sentences:
        offsets.append(running)
        running += sentence.words
    middle_start = next((i for i, offset in enumerate(offsets) if offset >= total // 2), count)
    middle_start = max(middle_start, begin_end + 1)
    middle_end = _take_forward(sentences, middle_start, (budget - used) // 2, count)
    if middle_end > middle_start:
        spans.append((middle_start, middle_end))
        used += sum(s.words for s in sentences[middle_start:middle_end])
    else:
        middle_end = begin_end

    # End: the closing sentences, walking back from the last while they fit.
    end_start, end_used = count, 0
    while end_start - 1 > middle_end and end_used + sentences[end_start - 1].words <= budget - used:
        end_start -= 1
        end_used += sentences[end_start].words
    if end_start < count:
        spans.append((end_start, count))
        used += end_used

    blocks = [" ".join(s.text for s in sentences[a:b]) for a, b in spans]
    return Preview(style=EXTRACTS, blocks=blocks, words=used, total_words=total, budget=budget)


def build_preview(paragraphs: list[str], *, style: str, ratio: float, max_words: int) -> Preview:
    if style == EXTRACTS:
        return extracts_preview(paragraphs, ratio=ratio, max_words=max_words)
    return lead_preview(paragraphs, ratio=ratio, max_words=max_words)


def build_previews(paragraphs: list[str], *, ratio: float, max_words: int) -> dict[str, Preview]:
    """Both styles, from one cutting of the text into sentences (the larger part of the cost)."""
    sentences = _sentences(paragraphs)
    return {
        LEAD: _lead(sentences, ratio=ratio, max_words=max_words),
        EXTRACTS: _extracts(sentences, ratio=ratio, max_words=max_words),
    }
