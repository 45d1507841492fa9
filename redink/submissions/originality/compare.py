"""The exact overlap of two texts: Jaccard similarity, containment both ways, shared passages (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from .shingles import SHINGLE_WORDS, Shingled

# Runs of shared shingles closer than this (in words, on both sides) are one passage: a copy
# with a word changed here and there is still one copied passage.
GAP_WORDS = 8
# Shorter shared runs are coincidences of phrasing, not passages (they still count in the scores).
MIN_PASSAGE_WORDS = 12


@dataclass(frozen=True)
class Passage:
    """Words [start, end) of the first text, shared with words [other_start, other_end) of the second."""

    start: int
    end: int
    other_start: int
    other_end: int

    @property
    def words(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Overlap:
    jaccard: float
    containment: float  # the share of the first text's shingles found in the second
    containment_other: float  # the share of the second text's shingles found in the first
    passages: tuple[Passage, ...]

    @property
    def shared_words(self) -> int:
        return sum(p.words for p in self.passages)

    @property
    def longest_passage(self) -> int:
        return max((p.words for p in self.passages), default=0)

    @property
    def containment_max(self) -> float:
        return max(self.containment, self.containment_other)


def compare(first: Shingled, second: Shingled) -> Overlap:
    a, b = first.hash_set, second.hash_set
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return Overlap(
        jaccard=shared / union if union else 0.0,
        containment=shared / len(a) if a else 0.0,
        containment_other=shared / len(b) if b else 0.0,
        passages=tuple(shared_passages(first, second)) if shared else (),
    )


def shared_passages(first: Shingled, second: Shingled) -> list[Passage]:
    runs = _runs(first, second)
    merged: list[list[int]] = []
    for start, end, other_start, other_end in runs:
        if merged:
            last = merged[-1]
            gap, other_gap = start - last[1], other_start - last[3]
            if -SHINGLE_WORDS < gap <= GAP_WORDS and -SHINGLE_WORDS < other_gap <= GAP_WORDS:
                last[1], last[3] = max(last[1], end), max(last[3], other_end)
                continue
            if gap < 0:  # words already in the previous passage are not counted twice
                start, other_start = last[1], other_start - gap
                if start >= end:
                    continue
        merged.append([start, end, other_start, other_end])
    return [Passage(*run) for run in merged if run[1] - run[0] >= MIN_PASSAGE_WORDS]


def _runs(first: Shingled, second: Shingled) -> list[tuple[int, int, int, int]]:
    """Maximal runs of consecutive shingles of the first text that follow on in the second, in words."""
    where: dict[int, int] = {}
    for position, value in enumerate(second.hashes):
        where.setdefault(value, position)
    other = second.hashes
    runs: list[tuple[int, int, int, int]] = []
    run_start = other_start = other_at = -1
    for position, value in enumerate(first.hashes):
        if run_start >= 0 and other_at + 1 < len(other) and other[other_at + 1] == value:
            other_at += 1
            continue
        if run_start >= 0:
            runs.append(_words(first, second, run_start, position - 1, other_start, other_at))
            run_start = -1
        found = where.get(value)
        if found is not None:
            run_start, other_start, other_at = position, found, found
    if run_start >= 0:
        runs.append(_words(first, second, run_start, len(first.hashes) - 1, other_start, other_at))
    return runs


def _words(first: Shingled, second: Shingled, start: int, last: int, other_start: int, other_last: int):
    """A run of shingles [start, last] as a run of words (a shingle covers SHINGLE_WORDS words)."""
    return (
        start,
        min(last + SHINGLE_WORDS, first.word_count),
        other_start,
        min(other_last + SHINGLE_WORDS, second.word_count),
    )
