"""Sentence and word boundaries for previews.

The splitter is deliberately conservative: when a full stop might belong to an
abbreviation, an initial or an acronym it is *not* treated as a sentence end. Missing a
boundary only makes a sentence look longer (the preview shows less); inventing one would
cut a sentence in half.
"""

from __future__ import annotations

import re

# Lower-cased words that take a full stop without ending a sentence.
# fmt: off
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "rev", "gen", "col", "capt", "lt",
        "sgt", "mt", "hon", "vs", "v", "c", "ca", "cf", "approx", "fig", "figs", "no", "nos",
        "vol", "vols", "pp", "p", "ch", "ed", "eds", "op", "cit", "ibid", "al", "esp", "inc",
        "ltd", "co", "dept", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "sq", "ft", "in", "lb", "oz", "cm", "mm", "km", "kg",
    }
)
# fmt: on
CLOSERS = "\"'”’)]»"  # noqa: RUF001 (curly quotes are the point)
OPENERS = "\"'“‘([«"  # noqa: RUF001
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "U.S", "e.g", "i.e", "a.m"
_INITIAL = re.compile(r"[A-Z]")


def normalise_paragraph(text: str) -> str:
    """One paragraph as single-spaced text."""
    return " ".join(text.split())


def word_count(text: str) -> int:
    return len(text.split())


def _starts_sentence(token: str) -> bool:
    stripped = token.lstrip(OPENERS)
    if not stripped:
        return bool(token)
    # A lower-case word stays in the sentence even behind a quote or bracket:
    # 'He paused... (briefly) and went on.' is one sentence.
    first = stripped[0]
    return first.isupper() or first.isdigit()


def _ends_sentence(token: str, following: str) -> bool:
    core = token.rstrip(CLOSERS)
    if not core:
        return False
    if core.endswith(("...", "…")):
        return _starts_sentence(following)
    if core[-1] in "?!":
        return _starts_sentence(following)
    if core[-1] != ".":
        return False
    word = core[:-1].lstrip(OPENERS)
    if not word:
        return False
    if word.lower() in ABBREVIATIONS or _ACRONYM.fullmatch(word) or _INITIAL.fullmatch(word):
        return False
    return _starts_sentence(following)


# A token can end a sentence only if it ends in one of these (see _ends_sentence).
_MAY_END = frozenset(".?!…" + CLOSERS)


def split_sentences(paragraph: str) -> list[str]:
    """Split one (normalised) paragraph into sentences; the end of a paragraph always ends one."""
    tokens = paragraph.split()
    if not tokens:
        return []
    sentences: list[str] = []
    start = 0
    last = len(tokens) - 1
    # Only tokens ending in a full stop, a mark or a closer are looked at: most words are not.
    for index in [i for i, token in enumerate(tokens) if token[-1] in _MAY_END and i < last]:
        if _ends_sentence(tokens[index], tokens[index + 1]):
            sentences.append(" ".join(tokens[start : index + 1]))
            start = index + 1
    sentences.append(" ".join(tokens[start:]))
    return sentences
