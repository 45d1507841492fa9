"""Where a margin comment's passage is in a new version of an essay's text (pure functions).

A comment holds a W3C TextQuoteSelector (`exact`, with up to 32 characters of `prefix` and
`suffix`) and a TextPositionSelector (`start`, `end` exclusive), counted in Unicode code points
over the essay's plain text (its paragraphs joined by a blank line) at one text version. When
the text changes, `place` finds the passage again, in this order:

1. **Through the diff.** The old text is diffed against the new (fast-diff-match-patch, with
   paragraphs as lines first and a semantic clean-up, so that letters two different sentences
   happen to share do not count as surviving). Characters of the passage that survived keep
   their place: if the text they now span equals `exact`, the comment is anchored **exact**; if
   at least half of the passage survived, it is anchored on what is there now and marked
   **edited**.
2. **By searching, only in text the edit put there.** When the passage did not survive, the
   comment may only move to text the new version *added* (at least half of the candidate's
   characters inserted by the diff). A lookalike paragraph, or another mention of the same
   name, that was already in the old text is never a candidate: the passage was not moved
   there, it was deleted. Among exact occurrences of `exact` the one whose prefix and suffix
   agree best, then nearest the mapped position, wins (**exact**); failing that, the best
   approximate match (rapidfuzz) wins (**fuzzy**) if it clears `FUZZY_*` below.
3. Otherwise the comment is an **orphan**: it is kept, with its quote, for its teacher to
   re-attach or delete.

Quotes under `SHORT_QUOTE` characters (a name, a phrase) move only when their prefix or suffix
agrees too (`CONTEXT_MIN`): a bare "Macbeth" written somewhere new is not the passage.

The fuzzy score follows the weights of the best-known annotation client (quote 50, prefix 20,
suffix 20, position 2, over 92) but, unlike it, has a minimum: a candidate is accepted only when
its quote is at least `FUZZY_QUOTE_MIN` similar (normalised Levenshtein similarity) and its
score at least `FUZZY_SCORE_MIN`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

import fast_diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

CONTEXT = 32  # characters of prefix and of suffix a TextQuoteSelector carries
SHORT_QUOTE = 32
CONTEXT_MIN = 0.75  # how alike a short quote's prefix or suffix must be for it to move
SURVIVED_MIN = 0.5  # the share of a passage that must survive for it to be "edited" in place
FRESH_MIN = 0.5  # the share of a candidate that must be text the edit inserted
FUZZY_QUOTE_MIN = 0.8
FUZZY_SCORE_MIN = 0.5
WEIGHTS = (50, 20, 20, 2)  # quote, prefix, suffix, position

State = Literal["exact", "edited", "fuzzy", "orphan"]


@dataclass(frozen=True)
class Quote:
    """A passage of one text version: both selectors of a W3C annotation target."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Placement:
    state: State
    start: int = 0
    end: int = 0

    @property
    def is_orphan(self) -> bool:
        return self.state == "orphan"


def quote_at(text: str, start: int, end: int) -> Quote:
    """The selectors of `text[start:end]`."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"{start}-{end} is not a passage of a text of {len(text)} characters.")
    return Quote(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
        end=end,
    )


class TextDiff:
    """The edit from one text version to the next, as runs of kept, deleted and inserted text."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        # (op, old_start, new_start, length) for each run.
        self.runs: list[tuple[str, int, int, int]] = []
        o = n = 0
        ops = fast_diff_match_patch.diff(old, new, timelimit=0, checklines=True, cleanup="Semantic")
        for op, length in ops:
            self.runs.append((op, o, n, length))
            if op != "+":
                o += length
            if op != "-":
                n += length
        self._kept = [(o, n, length) for op, o, n, length in self.runs if op == "="]
        self._kept_starts = [o for o, _, _ in self._kept]
        self._inserted = [(n, n + length) for op, _, n, length in self.runs if op == "+"]
        self._inserted_starts = [start for start, _ in self._inserted]

    def survivors(self, start: int, end: int) -> tuple[int, int, int]:
        """For old `[start, end)`: how many of its characters survived, and the new positions of
        the first survivor and one past the last."""
        count, first, last = 0, -1, -1
        i = max(0, bisect_right(self._kept_starts, start) - 1)
        while i < len(self._kept):
            o, n, length = self._kept[i]
            if o >= end:
                break
            lo, hi = max(start, o), min(end, o + length)
            if lo < hi:
                if first < 0:
                    first = n + (lo - o)
                last = n + (hi - o)
                count += hi - lo
            i += 1
        return count, first, last

    def position(self, old_position: int) -> int:
        """Where an old position is in the new text (a deleted one: where its deletion was)."""
        i = bisect_right(self._kept_starts, old_position) - 1
        if i < 0:
            return min(old_position, len(self.new))
        o, n, length = self._kept[i]
        return n + min(old_position - o, length)

    def inserted(self, start: int, end: int) -> int:
        """How many characters of new `[start, end)` the edit inserted."""
        count = 0
        i = max(0, bisect_right(self._inserted_starts, start) - 1)
        while i < len(self._inserted):
            lo, hi = self._inserted[i]
            if lo >= end:
                break
            count += max(0, min(end, hi) - max(start, lo))
            i += 1
        return count

    def fresh_regions(self, margin: int) -> list[tuple[int, int]]:
        """Runs of inserted text, widened by `margin` and merged where they touch."""
        regions: list[tuple[int, int]] = []
        for lo, hi in self._inserted:
            lo, hi = max(0, lo - margin), min(len(self.new), hi + margin)
            if regions and lo <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(hi, regions[-1][1]))
            else:
                regions.append((lo, hi))
        return regions


def place(quote: Quote, *, old: str, new: str, diff: TextDiff | None = None) -> Placement:
    """Where `quote` (a passage of `old`) is in `new`. Pass `diff` to share one among comments."""
    if old == new and new[quote.start : quote.end] == quote.exact:
        return Placement("exact", quote.start, quote.end)
    diff = diff or TextDiff(old, new)
    survived, first, last = diff.survivors(quote.start, quote.end)
    if survived:
        if new[first:last] == quote.exact:
            return Placement("exact", first, last)
        if survived >= SURVIVED_MIN * len(quote.exact):
            return Placement("edited", first, last)
    return _search(quote, diff=diff, near=diff.position(quote.start))


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return float(Levenshtein.normalized_similarity(a, b))


def _context(quote: Quote, new: str, start: int, end: int) -> tuple[float, float]:
    prefix = new[max(0, start - CONTEXT) : start]
    suffix = new[end : end + CONTEXT]
    # Compare the characters nearest the passage: a prefix cut short at the text's start still agrees.
    p = _similarity(quote.prefix[-len(prefix) :] if prefix else "", prefix) if quote.prefix or prefix else 1.0
    s = _similarity(quote.suffix[: len(suffix)], suffix) if quote.suffix or suffix else 1.0
    return p, s


def _context_agrees(quote: Quote, prefix_score: float, suffix_score: float) -> bool:
    return len(quote.exact) >= SHORT_QUOTE or max(prefix_score, suffix_score) >= CONTEXT_MIN


def _is_fresh(diff: TextDiff, start: int, end: int) -> bool:
    return diff.inserted(start, end) >= FRESH_MIN * (end - start)


def _search(quote: Quote, *, diff: TextDiff, near: int) -> Placement:
    new, exact = diff.new, quote.exact
    length = max(1, len(new))
    best: tuple[float, int, int] | None = None
    at = new.find(exact)
    while at >= 0:
        end = at + len(exact)
        if _is_fresh(diff, at, end):
            p, s = _context(quote, new, at, end)
            if _context_agrees(quote, p, s):
                rank = p + s - abs(at - near) / length
                if best is None or rank > best[0]:
                    best = (rank, at, end)
        at = new.find(exact, at + 1)
    if best is not None:
        return Placement("exact", best[1], best[2])
    found = _fuzzy(quote, diff=diff, near=near)
    return Placement("fuzzy", *found) if found else Placement("orphan")


def _fuzzy(quote: Quote, *, diff: TextDiff, near: int) -> tuple[int, int] | None:
    new, exact = diff.new, quote.exact
    length = max(1, len(new))
    best: tuple[float, int, int] | None = None
    for lo, hi in diff.fresh_regions(margin=len(exact) // 4 + 1):
        if hi - lo < len(exact) * FUZZY_QUOTE_MIN:
            continue
        aligned = fuzz.partial_ratio_alignment(exact, new[lo:hi], score_cutoff=100 * FUZZY_QUOTE_MIN)
        if aligned is None:
            continue
        start, end = _tighten(exact, new, lo + aligned.dest_start, lo + aligned.dest_end)
        q = _similarity(exact, new[start:end])
        if q < FUZZY_QUOTE_MIN or not _is_fresh(diff, start, end):
            continue
        p, s = _context(quote, new, start, end)
        if not _context_agrees(quote, p, s):
            continue
        closeness = 1 - abs(start - near) / length
        wq, wp, ws, wpos = WEIGHTS
        score = (wq * q + wp * p + ws * s + wpos * closeness) / sum(WEIGHTS)
        if score >= FUZZY_SCORE_MIN and (best is None or score > best[0]):
            best = (score, start, end)
    return (best[1], best[2]) if best else None


def _tighten(exact: str, new: str, start: int, end: int) -> tuple[int, int]:
    """Move an approximate match's ends a few characters either way to where it is most alike
    (the aligner returns a window as long as the quote, not the words it matched)."""
    slack = min(8, len(exact) // 10 + 2)
    best = (_similarity(exact, new[start:end]), start, end)
    for s in range(max(0, start - slack), min(len(new), start + slack) + 1):
        for e in range(max(s + 1, end - slack), min(len(new), end + slack) + 1):
            score = _similarity(exact, new[s:e])
            if score > best[0]:
                best = (score, s, e)
    return best[1], best[2]
