"""Parsing what a person types into the search box.

The result is a small tree — AND of clauses, each an OR of phrases, plus excluded
phrases — that each backend renders into its own syntax with every word quoted or bound
as a parameter. Raw input never reaches FTS5 `MATCH` or `to_tsquery`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 300
MAX_TERMS = 12

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
    words: tuple[str, ...]

    @property
    def is_word(self) -> bool:
        return len(self.words) == 1

    def text(self) -> str:
        return " ".join(self.words)


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

    @property
    def is_empty(self) -> bool:
        return not self.clauses

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
            return Phrase(tuple(mapping.get(w, w) for w in phrase.words))

        return ParsedQuery(
            raw=self.raw,
            clauses=tuple(Clause(tuple(swap(p) for p in c.options)) for c in self.clauses),
            excluded=self.excluded,
            dropped_stop_words=self.dropped_stop_words,
            truncated=self.truncated,
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
    if len(clauses) > MAX_TERMS:
        clauses, truncated = clauses[:MAX_TERMS], True
    return ParsedQuery(
        raw=raw or "",
        clauses=tuple(Clause(tuple(dict.fromkeys(c))) for c in clauses),
        excluded=tuple(dict.fromkeys(excluded))[:MAX_TERMS],
        dropped_stop_words=tuple(dict.fromkeys(dropped)),
        truncated=truncated,
    )


def fts5_phrase(phrase: Phrase, *, column: str | None = None, prefix: bool = False) -> str:
    """One phrase as an FTS5 string literal; words are \\w+ only, so quoting is enough."""
    body = '"' + " ".join(phrase.words) + '"' + ("*" if prefix else "")
    return f"{column}:{body}" if column else body


def to_fts5(query: ParsedQuery, *, column: str | None = None) -> str:
    """The FTS5 MATCH expression for a parsed query (an empty string for an empty one)."""
    if query.is_empty:
        return ""
    parts = []
    for clause in query.clauses:
        options = [fts5_phrase(p, column=column) for p in clause.options]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    expression = " AND ".join(parts)
    for phrase in query.excluded:
        expression = f"({expression}) NOT {fts5_phrase(phrase)}"
    return expression
