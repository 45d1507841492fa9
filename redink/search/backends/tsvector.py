"""PostgreSQL document vectors made in Python, with PostgreSQL's own stemming.

`to_tsvector` spends most of its time in PostgreSQL's text parser: about 1 ms for an essay,
in the one server process a rebuild writes through, which made the parser most of a
rebuild's time. Here the text is split into words in Python, the way a query's words are
split (`words_of`), each distinct word is stemmed once by PostgreSQL's dictionary
(`to_tsvector` of the word alone) and remembered, and the vector goes in as a tsvector
literal, which PostgreSQL reads in about half the time. Measured at 160,000 essays
(`bench_search --vector-cost 2000`, PostgreSQL 15): the server's share of a rebuild is 91 to
104 s this way against 184 to 185 s with `to_tsvector` (the Python side, 89 to 107 s, runs in
the rebuild's worker processes beside it), a third of the rebuild's 5-minute budget.

The vector is the one `to_tsvector` makes of the same words: stop words hold their
positions, a lexeme keeps its first 255 positions, positions stop at 16,383, and parts
joined with weights are offset as `||` offsets them (by the highest position so far).
Splitting as queries do keeps the index and the queries in step: "3.5" is the words 3 and
5 on both sides, where PostgreSQL's parser would index the token "3.5" and a query for it,
split into words, would miss.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress
from operator import add
from typing import Any

from redink.search.documents import SearchDocument
from redink.search.query import words_of

MAX_POSITION = 16383  # PostgreSQL's highest word position
PART_POSITIONS = 255  # positions to_tsvector keeps per lexeme
VECTOR_POSITIONS = 256  # positions `||` keeps per lexeme
MAX_LITERAL_BYTES = 1_000_000  # under the 1 MB of lexemes a tsvector literal may hold
# Remembered words. Past this many (about 30 MB) the memory starts again: a rebuild of a
# 160,000-essay library meets fewer, a long-lived web process may meet more in time.
MAX_KNOWN_WORDS = 200_000

# What a word stems to: one lexeme taking one position (most words), kept as the start of its
# entry in a literal ("'lexeme':"), None (a stop word) or, for any other word, its (offset,
# lexeme) pairs and the number of positions it takes (a word the parser cuts into several
# tokens, or into none: "x²y" is x and y, "²" nothing). Lexemes are kept quoted for a literal.
Stem = str | None | tuple[tuple[tuple[int, str], ...], int]
_UNKNOWN = object()


def tokens_of(text: str, words: Sequence[str] | None = None) -> Sequence[str]:
    """The words of `text` as the index holds them: `words_of` (given, or found here), split
    at underscores as PostgreSQL's parser splits them."""
    if words is None:
        words = words_of(text)
    if "_" not in text:
        return words
    return [part for word in words for part in word.split("_") if part]


@dataclass(frozen=True)
class Stems:
    """The stems of one batch's words, and which of them are not one lexeme in one position."""

    of: dict[str, Stem]
    several: set[str]


class VectorMaker:
    def __init__(self, config: str) -> None:
        self.config = config
        self.known: dict[str, Stem] = {}

    def make(self, cursor: Any, documents: Sequence[SearchDocument]) -> list[tuple[str, str, str, str, str]]:
        """Each document's (document, title, top, best, title words) tsvector literals: title
        (weight A), free text (B) and hidden text (D) in one vector, the title alone, the two
        tiers' words, and the title's words and their prefixes for suggestions (unstemmed)."""
        parts = []
        prefixes = []
        for d in documents:
            title, free, hidden = d.words or (None, None, None)
            title_tokens = tokens_of(d.title, title)
            prefixes.append(prefix_literal(title_tokens))
            parts.append(
                (
                    title_tokens,
                    tokens_of(d.free, free),
                    tokens_of(d.hidden, hidden),
                    tokens_of(d.top),
                    tokens_of(d.best),
                )
            )
        words: set[str] = set()
        for doc_parts in parts:
            for tokens in doc_parts:
                words.update(tokens)
        stems = self.stems(cursor, words)
        return [
            (
                self.literal(((title, "A"), (free, "B"), (hidden, "")), stems),
                self.literal(((title, ""),), stems),
                self.literal(((top, ""),), stems),
                self.literal(((best, ""),), stems),
                title_words,
            )
            for (title, free, hidden, top, best), title_words in zip(parts, prefixes, strict=True)
        ]

    def stems(self, cursor: Any, words: Iterable[str]) -> Stems:
        """The stems of these words: remembered, or asked of PostgreSQL in one statement."""
        known = self.known
        of: dict[str, Stem] = {}
        several: set[str] = set()
        new = []
        for word in words:
            stem = known.get(word, _UNKNOWN)
            if stem is _UNKNOWN:
                new.append(word)
            else:
                of[word] = stem  # type: ignore[assignment]
                if stem.__class__ is tuple:
                    several.add(word)
        if not new:
            return Stems(of, several)
        # A word takes a position for each of its tokens that the configuration maps to a
        # dictionary (a stop word included), as in to_tsvector.
        cursor.execute(
            "SELECT w, (SELECT count(*) FROM ts_parse(c.cfgparser, w) AS t WHERE t.tokid IN "
            "(SELECT maptokentype FROM pg_ts_config_map WHERE mapcfg = c.oid)), v.lexeme, v.positions "
            "FROM pg_ts_config AS c, unnest(%s::text[]) AS w "
            "LEFT JOIN LATERAL unnest(to_tsvector(%s::regconfig, w)) AS v ON true WHERE c.oid = %s::regconfig",
            [new, self.config, self.config],
        )
        widths: dict[str, int] = {}
        pairs: dict[str, list[tuple[int, str]]] = {word: [] for word in new}
        for word, width, lexeme, positions in cursor.fetchall():
            widths[word] = width
            if lexeme is not None:
                pairs[word].extend((position, _quote(lexeme)) for position in positions)
        learnt: dict[str, Stem] = {}
        for word, found in pairs.items():
            width = widths[word]
            if not found and width == 1:
                learnt[word] = None
            elif len(found) == 1 and found[0][0] == 1 and width == 1:
                learnt[word] = f"'{found[0][1]}':"
            else:
                learnt[word] = (tuple(sorted(found)), width)
                several.add(word)
        of.update(learnt)
        if len(known) + len(learnt) > MAX_KNOWN_WORDS:
            known.clear()
        known.update(learnt)
        return Stems(of, several)

    def literal(self, parts: Sequence[tuple[Sequence[str], str]], stems: Stems) -> str:
        """The tsvector literal of these (words, weight) parts joined in order."""
        return self._common_literal(parts, stems) or self._exact_literal(parts, stems)

    def _common_literal(self, parts: Sequence[tuple[Sequence[str], str]], stems: Stems) -> str | None:
        """The literal of the common case, with the per-word work done by C loops: every word
        one lexeme or a stop word, under 16,384 words, no lexeme over 255 times. None
        otherwise.

        Each word is written as an entry of its own ("'war':3B 'war':9B"): PostgreSQL's input
        function gathers a lexeme's entries, which costs it less than grouping them here."""
        if stems.several and not all(stems.several.isdisjoint(tokens) for tokens, _ in parts):
            return None
        of = stems.of
        kept: list[str] = []  # the entry starts of the words kept (not stop words)
        entries: list[str] = []
        offset = 0
        for tokens, weight in parts:
            if offset + len(tokens) > MAX_POSITION:
                return None
            starts = list(map(of.__getitem__, tokens))  # an entry's start, or None: a stop word
            spots = _spot_text(weight)[offset + 1 : offset + 1 + len(tokens)]
            before = len(kept)
            kept += compress(starts, starts)  # type: ignore[arg-type]  # no word here stems to several
            if len(kept) == before:
                continue
            # Each kept word's entry start joined to its position's text.
            entries += map(add, kept[before:], compress(spots, starts))
            last = len(tokens)  # the part's highest position: its last word not a stop word
            while starts[last - 1] is None:
                last -= 1
            offset += last
        # to_tsvector keeps 255 positions of a lexeme in each part, `||` 256 in all: a lexeme
        # over 255 times in all takes the word-at-a-time way.
        if len(kept) > PART_POSITIONS and max(Counter(kept).values()) > PART_POSITIONS:
            return None
        literal = " ".join(entries)
        # PostgreSQL reads at most 1 MB of lexemes, counted before it gathers them: a text whose
        # repeated words come to more takes the word-at-a-time way, which writes each once.
        if len(literal) > MAX_LITERAL_BYTES // 4 and len(literal.encode()) > MAX_LITERAL_BYTES:
            return None
        return literal

    def _exact_literal(self, parts: Iterable[tuple[Sequence[str], str]], stems: Stems) -> str:
        """The literal of any parts, a word at a time."""
        known = stems.of
        entries: dict[str, list[str]] = {}
        offset = 0
        for tokens, weight in parts:
            found: dict[str, list[int]] = {}
            position = offset
            for token in tokens:
                position += 1
                stem = known[token]
                if isinstance(stem, str):
                    found.setdefault(stem[1:-2], []).append(position)
                elif stem is not None:
                    pairs, width = stem
                    for at, lexeme in pairs:
                        found.setdefault(lexeme, []).append(position + at - 1)
                    position += width - 1
            if not found:
                continue
            highest = offset
            for lexeme, positions in found.items():
                kept = sorted({min(spot, MAX_POSITION) for spot in positions})[:PART_POSITIONS]
                highest = max(highest, kept[-1])
                entries.setdefault(lexeme, []).extend(f"{spot}{weight}" for spot in kept)
            offset = highest
        return " ".join(f"'{lexeme}':{','.join(spots[:VECTOR_POSITIONS])}" for lexeme, spots in entries.items())


# Title words longer than this are kept whole but not cut into prefixes.
PREFIX_LENGTH = 20


def prefix_literal(words: Iterable[str]) -> str:
    """The title-suggestion vector of a title's words (`tokens_of`): each word as written, and
    each of its first PREFIX_LENGTH prefixes, the word itself included, as "prefix*", so that
    whatever has been typed of a last word is one lexeme to look up ("evalu*"), where a prefix
    query (evalu:*) gathers every word starting so before it can narrow anything. Words hold
    only word characters: nothing to quote."""
    lexemes = set()
    for word in set(words):
        lexemes.add(word)
        lexemes.update(word[:size] + "*" for size in range(1, min(len(word), PREFIX_LENGTH) + 1))
    return " ".join(f"'{lexeme}'" for lexeme in lexemes)


@cache
def _spot_text(weight: str) -> list[str]:
    """Each position's text in a literal of this weight ("" is D, which a literal leaves
    unsaid): made once, when a process first makes vectors (about 1 MB a weight)."""
    return [f"{spot}{weight}" for spot in range(MAX_POSITION + 1)]


def _quote(lexeme: str) -> str:
    if "'" in lexeme or "\\" in lexeme:
        return lexeme.replace("\\", "\\\\").replace("'", "''")
    return lexeme
