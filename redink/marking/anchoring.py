"""Where a margin comment's passage is in a new version of an essay's text (pure functions).

A comment holds a W3C TextQuoteSelector (`exact`, with up to 32 characters of `prefix` and
`suffix`) and a TextPositionSelector (`start`, `end` exclusive), counted in Unicode code points
over the essay's plain text (its paragraphs joined by a blank line) at one text version. When
the text changes, `place` finds the passage again, in this order:

1. **Through the diff.** The old text is diffed against the new (fast-diff-match-patch, with a
   semantic clean-up, so that letters two different sentences happen to share do not count as
   surviving). Paragraphs are paired first, each old one with at most one new one (`TextDiff`),
   so that a deleted paragraph is not spliced onto a lookalike beside it. Characters of the
   passage that survived keep their place: if the text they now span equals `exact`, the
   comment is anchored **exact**; if at least half of the passage survived, it is anchored on
   what is there now, with whatever replaced its first or last words, and marked **edited**.
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
agrees too (`CONTEXT_MIN`): a bare "Macbeth" written somewhere new is not the passage. (The
start or end of the text is no context: an empty prefix agrees with nothing.)

The fuzzy score follows the weights of the best-known annotation client (quote 50, prefix 20,
suffix 20, position 2, over 92) but, unlike it, has a minimum: a candidate is accepted only when
its quote is at least `FUZZY_QUOTE_MIN` similar (normalised Levenshtein similarity) and its
score at least `FUZZY_SCORE_MIN`.
"""

from __future__ import annotations

import re
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
PAIRED_MIN = 0.5  # the share of the longer of two paragraphs a diff must keep for them to be one
FINE_MAX = 4000  # texts (old and new together) longer than this are diffed by sentences first

Diffs = dict[tuple[str, str], list[tuple[str, int]]]  # (old, new) -> the diff's (op, length) runs
_PARAGRAPH = re.compile(r"[^\n]*\n+|[^\n]+")
_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]+\s*|[^.!?\n]+")

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


def _paragraphs(text: str) -> list[str]:
    """The text's paragraphs (lines), each with the line breaks that follow it."""
    return _PARAGRAPH.findall(text)


def _ops(old: str, new: str, *, cleanup: str) -> list[tuple[str, int]]:
    """The diff of two texts as (op, length) runs. Short texts are diffed character by
    character; longer ones sentence by sentence first (`_coarse_ops`), so that two long
    unrelated texts cost milliseconds rather than the second a character diff of them takes."""
    if not old or not new:
        return [("-", len(old))] if old else [("+", len(new))] if new else []
    if len(old) + len(new) > FINE_MAX:
        return _coarse_ops(old, new, cleanup=cleanup)
    return fast_diff_match_patch.diff(old, new, timelimit=0, checklines=False, cleanup=cleanup)


def _coarse_ops(old: str, new: str, *, cleanup: str) -> list[tuple[str, int]]:
    """Diff sentence by sentence (each sentence, with the spaces after it, one symbol), then
    character by character within each changed stretch of at most `FINE_MAX` characters; a
    longer stretch is rewritten text, wholly deleted and inserted (a comment on it is then
    searched for in the inserted text, where a moved passage is found)."""
    symbols: dict[str, str] = {}

    def encode(pieces: list[str]) -> str:
        return "".join(symbols.setdefault(piece, chr(0x10000 + len(symbols))) for piece in pieces)

    def changed(deleted: str, inserted: str) -> list[tuple[str, int]]:
        if len(deleted) + len(inserted) <= FINE_MAX:
            return _ops(deleted, inserted, cleanup=cleanup)
        return [("-", len(deleted)), ("+", len(inserted))]

    olds, news = _SENTENCE.findall(old), _SENTENCE.findall(new)
    coarse = fast_diff_match_patch.diff(encode(olds), encode(news), timelimit=0, checklines=False, cleanup=cleanup)
    ops: list[tuple[str, int]] = []
    o = n = 0  # sentence indexes
    deleted, inserted = "", ""
    for op, count in coarse:
        if op == "=":
            ops.extend(changed(deleted, inserted))
            deleted = inserted = ""
            ops.append(("=", sum(map(len, olds[o : o + count]))))
            o, n = o + count, n + count
        elif op == "-":
            deleted += "".join(olds[o : o + count])
            o += count
        else:
            inserted += "".join(news[n : n + count])
            n += count
    ops.extend(changed(deleted, inserted))
    # Adjacent runs of one kind (a fine diff ending as the next begins) become one.
    merged: list[tuple[str, int]] = []
    for op, length in ops:
        if not length:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + length)
        else:
            merged.append((op, length))
    return merged


def _kept_count(ops: list[tuple[str, int]]) -> int:
    return sum(length for op, length in ops if op == "=")


def _kept_within(ops: list[tuple[str, int]], start: int, length: int) -> int:
    """How many characters of old `[start, start + length)` a diff keeps."""
    kept, o = 0, 0
    for op, size in ops:
        if o >= start + length:
            break
        if op == "=":
            kept += max(0, min(o + size, start + length) - max(o, start))
        if op != "+":
            o += size
    return kept


def _pair_weight(old: str, new: str, diffs: Diffs) -> int:
    """How alike two paragraphs are, if they are one paragraph edited (a diff of them keeps at
    least `PAIRED_MIN` of the longer), otherwise 0: the characters kept less those deleted and
    inserted, so that of two lookalikes the one less edited wins. Keeps the diff in `diffs`."""
    if old == new:
        return 2 * len(old)
    need = PAIRED_MIN * max(len(old), len(new))
    if min(len(old), len(new)) < need:
        return 0
    # What any diff keeps is at most their longest common subsequence: skip what cannot make it.
    if not fuzz.ratio(old, new, score_cutoff=min(100.0, 200 * need / (len(old) + len(new)))):
        return 0
    diffs[old, new] = ops = _ops(old, new, cleanup="Semantic")
    kept = _kept_count(ops)
    return max(1, 4 * kept - len(old) - len(new)) if kept >= need else 0


def _align(old: list[str], new: list[str], diffs: Diffs) -> list[tuple[int, int]]:
    """Pairs (i, j), in order, of an old and a new paragraph that are one paragraph, edited or
    not: of the orderings, the one whose pairs keep the most text."""
    m, n = len(old), len(new)
    head = 0
    while head < m and head < n and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < m - head and tail < n - head and old[m - 1 - tail] == new[n - 1 - tail]:
        tail += 1
    a, b = old[head : m - tail], new[head : n - tail]
    weight = [[_pair_weight(x, y, diffs) for y in b] for x in a]
    best = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            w = weight[i - 1][j - 1]
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + w if w else 0)
    middle: list[tuple[int, int]] = []
    i, j = len(a), len(b)
    while i and j:
        w = weight[i - 1][j - 1]
        if w and best[i][j] == best[i - 1][j - 1] + w:
            middle.append((head + i - 1, head + j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return [(k, k) for k in range(head)] + middle[::-1] + [(m - tail + k, n - tail + k) for k in range(tail)]


class TextDiff:
    """The edit from one text version to the next, as runs of kept, deleted and inserted text.

    Paragraphs are paired first (`_align`); each pair, and the paragraphs left unpaired between
    two pairs, are then diffed character by character with a semantic clean-up. A paragraph
    paired with none is wholly deleted (or inserted): a diff of the whole text would be free to
    keep the start of a deleted paragraph and the end of its lookalike neighbour, and so move a
    comment onto a paragraph it was never on. Only where a diff across the paragraphs keeps
    clearly more (paragraphs merged or split, `_region`) is that diff used instead."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        # (op, old_start, new_start, length) for each run.
        self.runs: list[tuple[str, int, int, int]] = []
        olds, news = _paragraphs(old), _paragraphs(new)
        old_at, new_at = self._offsets(olds), self._offsets(news)
        self._diffs: Diffs = {}
        pairs = _align(olds, news, self._diffs)
        # Between two paragraphs the edit left as they were, a region of edited, deleted and
        # inserted paragraphs.
        previous, k = (-1, -1), 0
        for i, j in [*((i, j) for i, j in pairs if olds[i] == news[j]), (len(olds), len(news))]:
            inside = []
            while k < len(pairs) and pairs[k][0] < i:
                if pairs[k][0] > previous[0]:
                    inside.append(pairs[k])
                k += 1
            self._region(olds, news, old_at, new_at, (previous[0] + 1, i), (previous[1] + 1, j), inside)
            if i < len(olds):
                self._piece(old_at[i], new_at[j], olds[i], news[j], [("=", len(olds[i]))])
            previous = (i, j)
        self._kept = [(o, n, length) for op, o, n, length in self.runs if op == "="]
        self._kept_starts = [o for o, _, _ in self._kept]
        self._inserted = [(n, n + length) for op, _, n, length in self.runs if op == "+"]
        self._inserted_starts = [start for start, _ in self._inserted]
        # Each stretch of changes between two kept runs: (old_start, deleted, new_start, inserted).
        self._changes: list[tuple[int, int, int, int]] = []
        last_op = "="
        for op, o, n, length in self.runs:
            if op == "=":
                last_op = op
                continue
            if last_op == "=":
                self._changes.append((o, 0, n, 0))
            go, deleted, gn, inserted = self._changes[-1]
            if op == "-":
                deleted += length
            else:
                inserted += length
            self._changes[-1] = (go, deleted, gn, inserted)
            last_op = op
        self._change_starts = [go for go, _, _, _ in self._changes]

    @staticmethod
    def _offsets(paragraphs: list[str]) -> list[int]:
        offsets = [0]
        for paragraph in paragraphs:
            offsets.append(offsets[-1] + len(paragraph))
        return offsets

    def _region(
        self,
        olds: list[str],
        news: list[str],
        old_at: list[int],
        new_at: list[int],
        old_span: tuple[int, int],
        new_span: tuple[int, int],
        pairs: list[tuple[int, int]],
    ) -> None:
        """Diff a region pair by pair (paragraphs left unpaired between two pairs together),
        unless a diff of the whole region keeps more than twice as many characters as it drops
        of what the pieces keep: paragraphs merged or split. (A diff that keeps about as much as
        it drops has only traded one paragraph's text for its lookalike's: a deleted paragraph
        spliced onto the neighbour it resembles.)"""
        (o0, o1), (n0, n1) = old_span, new_span
        whole = (old_at[o0], new_at[n0], "".join(olds[o0:o1]), "".join(news[n0:n1]))
        if not pairs:
            self._piece(*whole)
            return
        pieces: list[tuple[int, int, str, str, list[tuple[str, int]]]] = []
        previous = (o0 - 1, n0 - 1)
        for i, j in [*pairs, (o1, n1)]:
            gap = ("".join(olds[previous[0] + 1 : i]), "".join(news[previous[1] + 1 : j]))
            if gap[0] or gap[1]:
                pieces.append((old_at[previous[0] + 1], new_at[previous[1] + 1], *gap, _ops(*gap, cleanup="Semantic")))
            if i < o1:
                ops = self._diffs.get((olds[i], news[j])) or _ops(olds[i], news[j], cleanup="Semantic")
                pieces.append((old_at[i], new_at[j], olds[i], news[j], ops))
            previous = (i, j)
        ops = _ops(whole[2], whole[3], cleanup="Semantic")
        kept = sum(_kept_count(piece[4]) for piece in pieces)
        dropped = sum(
            max(0, _kept_count(piece[4]) - _kept_within(ops, piece[0] - whole[0], len(piece[2]))) for piece in pieces
        )
        if _kept_count(ops) - kept > dropped:
            self._piece(*whole, ops)
        else:
            for piece in pieces:
                self._piece(*piece)

    def _piece(self, o: int, n: int, old: str, new: str, ops: list[tuple[str, int]] | None = None) -> None:
        if not old and not new:
            return
        for op, length in ops if ops is not None else _ops(old, new, cleanup="Semantic"):
            if self.runs and self.runs[-1][0] == op:
                last = self.runs[-1]
                self.runs[-1] = (op, last[1], last[2], last[3] + length)
            else:
                self.runs.append((op, o, n, length))
            if op != "+":
                o += length
            if op != "-":
                n += length

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

    def widen(self, start: int, end: int, first: int, last: int) -> tuple[int, int]:
        """The new span of old `[start, end)`, whose survivors span new `[first, last)`: with what
        replaced its first or last characters, when the change began (or ended) inside it."""
        change = self._change_deleting(start)
        if change is not None and change[0] == start:
            first = min(first, change[2])
        change = self._change_deleting(end - 1)
        if change is not None and change[0] + change[1] == end:
            last = max(last, change[2] + change[3])
        return first, last

    def position(self, old_position: int) -> int:
        """Where an old position is in the new text (a deleted one: where its deletion was)."""
        i = bisect_right(self._kept_starts, old_position) - 1
        if i < 0:
            return 0  # in what the edit replaced at the start of the text
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

    def _change_deleting(self, old_position: int) -> tuple[int, int, int, int] | None:
        i = bisect_right(self._change_starts, old_position) - 1
        if i >= 0:
            change = self._changes[i]
            if change[0] <= old_position < change[0] + change[1]:
                return change
        return None


def place(quote: Quote, *, old: str, new: str, diff: TextDiff | None = None) -> Placement:
    """Where `quote` (a passage of `old`) is in `new`. Pass `diff` to share one among comments."""
    if old == new and new[quote.start : quote.end] == quote.exact:
        return Placement("exact", quote.start, quote.end)
    diff = diff or TextDiff(old, new)
    survived, first, last = diff.survivors(quote.start, quote.end)
    if survived and new[first:last] == quote.exact:
        return Placement("exact", first, last)
    if survived >= SURVIVED_MIN * len(quote.exact):
        first, last = diff.widen(quote.start, quote.end, first, last)
        return Placement("exact" if new[first:last] == quote.exact else "edited", first, last)
    return _search(quote, diff=diff, near=diff.position(quote.start))


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return float(Levenshtein.normalized_similarity(a, b))


def _context(quote: Quote, new: str, start: int, end: int) -> tuple[float, float]:
    """How alike the characters either side of new `[start, end)` are to the quote's prefix and
    suffix, compared over as many characters as the quote has. A prefix (or suffix) cut short by
    the start (or end) of the old text is that much less evidence, an empty one none: a passage
    at the very start of a text has nothing before it to agree with."""
    prefix = new[max(0, start - len(quote.prefix)) : start]
    suffix = new[end : end + len(quote.suffix)]
    return (
        _similarity(quote.prefix, prefix) * len(quote.prefix) / CONTEXT,
        _similarity(quote.suffix, suffix) * len(quote.suffix) / CONTEXT,
    )


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
