"""Parsing what a person types into the search box.

The result is a small tree — AND of clauses, each an OR of phrases, plus excluded
phrases — that each backend renders into its own syntax with every word quoted or bound
as a parameter. Raw input never reaches FTS5 `MATCH` or `to_tsquery`.

For a reader who may not read every essay in full, `ParsedQuery.without_word_order` turns
each phrase into the set of its words: the hidden part of an essay may say which words it
holds, never their order or which stand together (see `SearchRequest`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 300
# A query holds at most this many words in all (phrases' words, exclusions included), and a
# clause at most this many alternatives joined by OR: enough for any real search, too few for a
# query to test dozens of guesses at once.
MAX_WORDS = 16
MAX_ALTERNATIVES = 8
WORDS_NOTICE = f"A search can hold up to {MAX_WORDS} words, so we used the first {MAX_WORDS}."
ALTERNATIVES_NOTICE = (
    f"A search can offer up to {MAX_ALTERNATIVES} alternatives joined by OR, so we used the first {MAX_ALTERNATIVES}."
)

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)

_WORD = re.compile(r"\w+", re.UNICODE)
# For an ASCII text: each byte a word character of `\w` (letter, digit, underscore) kept, any other a space.
_ASCII_WORD_BYTES = bytes(byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(256))
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Phrase:
    """Words that must stand together in this order, or, when not `ordered`, a set of words
    that must all occur, anywhere and in any order (`typed` keeps them as typed)."""

    words: tuple[str, ...]
    ordered: bool = True
    typed: tuple[str, ...] = ()

    @property
    def is_word(self) -> bool:
        return len(self.words) == 1

    @property
    def visible_phrase(self) -> Phrase | None:
        """For a set of words typed as a phrase: that phrase, which may still be matched as one
        in the text its reader can see (titles and free previews), for ranking and highlighting."""
        if self.ordered or len(self.typed) < 2:
            return None
        return Phrase(self.typed)

    def as_word_set(self) -> Phrase:
        """The phrase as the set of its words, sorted (so the order typed cannot show), stop
        words left out unless it has nothing else (nearly every essay holds them)."""
        if self.is_word or not self.ordered:
            return self
        words = sorted(set(self.words) - STOP_WORDS) or sorted(set(self.words))
        return Phrase(tuple(words), ordered=False, typed=self.words)

    def text(self) -> str:
        return " ".join(self.typed or self.words)


@dataclass(frozen=True)
class Clause:
    """Any one of its phrases must match."""

    options: tuple[Phrase, ...]


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Phrase, ...] = ()
    dropped_stop_words: tuple[str, ...] = field(default=())
    truncated: bool = False
    # What the caps on words and alternatives left out, said to the reader.
    notices: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def has_phrases(self) -> bool:
        """Whether any wanted or excluded phrase holds more than one word."""
        phrases = [p for c in self.clauses for p in c.options] + list(self.excluded)
        return any(not p.is_word for p in phrases)

    @property
    def words(self) -> list[str]:
        """Every positive word, in order (for highlighting and spelling)."""
        return [w for clause in self.clauses for phrase in clause.options for w in phrase.words]

    def display(self) -> str:
        parts = []
        for clause in self.clauses:
            rendered = [f'"{p.text()}"' if not p.is_word else p.text() for p in clause.options]
            parts.append(" OR ".join(rendered))
        parts += [f'-"{p.text()}"' if not p.is_word else f"-{p.text()}" for p in self.excluded]
        return " ".join(parts)

    def replace_words(self, mapping: dict[str, str]) -> ParsedQuery:
        """The same query with some words swapped (spelling corrections)."""

        def swap(phrase: Phrase) -> Phrase:
            return Phrase(tuple(mapping.get(w, w) for w in phrase.words), ordered=phrase.ordered, typed=phrase.typed)

        return ParsedQuery(
            raw=self.raw,
            clauses=tuple(Clause(tuple(swap(p) for p in c.options)) for c in self.clauses),
            excluded=self.excluded,
            dropped_stop_words=self.dropped_stop_words,
            truncated=self.truncated,
            notices=self.notices,
        )

    def without_word_order(self) -> ParsedQuery:
        """The same query with every phrase, wanted or excluded, matched as the set of its words."""
        return ParsedQuery(
            raw=self.raw,
            clauses=tuple(Clause(tuple(dict.fromkeys(p.as_word_set() for p in c.options))) for c in self.clauses),
            excluded=tuple(dict.fromkeys(p.as_word_set() for p in self.excluded)),
            dropped_stop_words=self.dropped_stop_words,
            truncated=self.truncated,
            notices=self.notices,
        )


def clean_input(raw: str) -> str:
    """Printable text only: control characters, surrogates and NULs become spaces."""
    cleaned = []
    for ch in raw[: MAX_QUERY_CHARS * 4]:
        category = unicodedata.category(ch)
        cleaned.append(" " if category[0] == "C" else ch)
    return " ".join("".join(cleaned).split())


def words_of(text: str) -> tuple[str, ...]:
    """The lower-cased words of `text` (runs of letters, digits and underscores, not of
    underscores alone). Indexing calls it on every essay, so the work is done by C loops. An
    ASCII text is lower-cased whole and every byte but a letter, digit or underscore becomes a
    space. Any other text is matched first and lower-cased after: lower-casing may put a
    character that is not a word character inside a word ("İ" becomes "i" and a combining dot)."""
    if text.isascii():
        found: Sequence[str] = text.lower().encode().translate(_ASCII_WORD_BYTES).decode().split()
    else:
        found = " ".join(_WORD.findall(text)).lower().split()
    if "_" in text:
        found = [w for w in found if w.strip("_")]
    return tuple(found)


def parse_query(raw: str) -> ParsedQuery:
    text = clean_input(raw or "")
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    dropped: list[str] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                pending_or = bool(clauses)
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            words = words_of(bare)
            # "U.S." or "1955-62" is one unit: its words must stand together.
            phrases = [Phrase(words)] if words else []
            if len(words) == 1 and not negated and words[0] in STOP_WORDS:
                dropped.append(words[0])
                phrases = []
        else:
            words = words_of(quoted or "")
            phrases = [Phrase(words)] if words else []
        if not phrases:
            continue
        if negated:
            excluded.extend(phrases)
            continue
        if pending_or and clauses:
            clauses[-1].append(phrases[0])
            clauses.extend([p] for p in phrases[1:])
        else:
            clauses.extend([p] for p in phrases)
        pending_or = False
    notices: list[str] = []
    options = [list(dict.fromkeys(c)) for c in clauses]
    if any(len(c) > MAX_ALTERNATIVES for c in options):
        options = [c[:MAX_ALTERNATIVES] for c in options]
        notices.append(ALTERNATIVES_NOTICE)
    kept, left_out = _within_word_budget(options, list(dict.fromkeys(excluded)))
    if left_out:
        notices.append(WORDS_NOTICE)
    kept_clauses, kept_excluded = kept
    return ParsedQuery(
        raw=raw or "",
        clauses=tuple(Clause(tuple(c)) for c in kept_clauses),
        excluded=tuple(kept_excluded),
        dropped_stop_words=tuple(dict.fromkeys(dropped)),
        truncated=truncated,
        notices=tuple(notices),
    )


def _within_word_budget(
    clauses: list[list[Phrase]], excluded: list[Phrase]
) -> tuple[tuple[list[list[Phrase]], list[Phrase]], bool]:
    """The clauses and exclusions that fit in MAX_WORDS words, in the order typed (a phrase
    that does not fit whole is cut to the words left), and whether anything was left out."""
    budget, left_out = MAX_WORDS, False

    def take(phrase: Phrase) -> Phrase | None:
        nonlocal budget, left_out
        if budget <= 0:
            left_out = True
            return None
        if len(phrase.words) > budget:
            left_out = True
            phrase = Phrase(phrase.words[:budget])
        budget -= len(phrase.words)
        return phrase

    kept_clauses = []
    for clause in clauses:
        kept = [p for p in map(take, clause) if p is not None]
        if kept:
            kept_clauses.append(kept)
    kept_excluded = [p for p in map(take, excluded) if p is not None]
    return (kept_clauses, kept_excluded), left_out


def fts5_phrase(phrase: Phrase, *, column: str | None = None, prefix: bool = False) -> str:
    """One phrase as an FTS5 string literal, or a set of words as each word required; words
    are \\w+ only, so quoting is enough."""
    if not phrase.ordered and not phrase.is_word:
        body = "(" + " AND ".join(f'"{word}"' for word in phrase.words) + ")"
    else:
        body = '"' + " ".join(phrase.words) + '"' + ("*" if prefix else "")
    return f"{column}:{body}" if column else body


def to_fts5(query: ParsedQuery, *, column: str | None = None, visible_columns: str | None = None) -> str:
    """The FTS5 MATCH expression for a parsed query (an empty string for an empty one).

    With `visible_columns` ("title free"), a set of words typed as a phrase also offers the
    phrase itself within those columns: it finds nothing the set does not, but bm25 then ranks
    the essays whose readable text holds the phrase first, and snippets highlight it."""
    if query.is_empty:
        return ""
    parts = []
    for clause in query.clauses:
        options = []
        for phrase in clause.options:
            rendered = fts5_phrase(phrase, column=column)
            shown = phrase.visible_phrase
            if visible_columns and shown is not None:
                rendered = f"({{{visible_columns}}} : {fts5_phrase(shown)} OR {rendered})"
            options.append(rendered)
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    expression = " AND ".join(parts)
    for phrase in query.excluded:
        expression = f"({expression}) NOT {fts5_phrase(phrase)}"
    return expression
