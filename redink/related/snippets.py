"""Snippets: the passage of a related essay's free preview that best matches the essay being read.

The passages are cut from `essay_text_for(essay=..., viewer=None)` — what any visitor may
read — and from nothing else, so a snippet can never show a word of the hidden part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.previews import normalise_paragraph, split_sentences

from .text import cut_at_word, words_of

# About three lines of a card in the two-column layout.
SNIPPET_LIMIT = 200

# What `essay_text_for` reads of an essay to build a visitor's preview.
PREVIEW_FIELDS = ("id", "text_version", "word_count", "preview_style", "preview_lead", "preview_extracts", "author_id")


@dataclass(frozen=True)
class FreeText:
    """A free preview cut into sentences, and the passages a snippet may be: runs of whole
    consecutive sentences of one block, each as long as fits in SNIPPET_LIMIT, one starting at
    every sentence (a sentence too long on its own is cut at a word)."""

    sentences: tuple[str, ...]
    passages: tuple[tuple[int, int], ...]  # [start, end) ranges of sentences
    sentences_using: dict[str, tuple[int, ...]]  # word -> the sentences it occurs in

    def text(self, passage: tuple[int, int]) -> str:
        start, end = passage
        return cut_at_word(" ".join(self.sentences[start:end]), limit=SNIPPET_LIMIT)


def free_text_of_blocks(blocks: Sequence[str]) -> FreeText:
    sentences: list[str] = []
    passages: list[tuple[int, int]] = []
    for block in blocks:
        first = len(sentences)
        sentences += split_sentences(normalise_paragraph(block))
        for start in range(first, len(sentences)):
            end, length = start + 1, len(sentences[start])
            while end < len(sentences) and length + 1 + len(sentences[end]) <= SNIPPET_LIMIT:
                length += 1 + len(sentences[end])
                end += 1
            passages.append((start, end))
    using: dict[str, list[int]] = {}
    for number, sentence in enumerate(sentences):
        for word in words_of(sentence):
            using.setdefault(word, []).append(number)
    return FreeText(
        sentences=tuple(sentences),
        passages=tuple(passages),
        sentences_using={word: tuple(numbers) for word, numbers in using.items()},
    )


def free_text(essay: Essay) -> FreeText:
    """What a snippet of this essay may show: its free preview, and nothing else."""
    return free_text_of_blocks(essay_text_for(essay=essay, viewer=None).blocks)


def best_snippet(free: FreeText, *, weights: Mapping[str, float]) -> str:
    """The passage that best matches the reading essay: each sentence scores the weights of the
    signature terms it uses; the passage with the highest total wins (the first on a tie, so
    the opening when nothing matches)."""
    if not free.passages:
        return ""
    scores = [0.0] * len(free.sentences)
    for term, weight in weights.items():
        for number in free.sentences_using.get(term, ()):
            scores[number] += weight
    totals = list(accumulate(scores, initial=0.0))
    best = max(free.passages, key=lambda p: (totals[p[1]] - totals[p[0]], -p[0]))
    return free.text(best)
