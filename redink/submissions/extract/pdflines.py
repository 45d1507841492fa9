"""Paragraphs from a PDF's lines of text, page by page (pure functions)."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from itertools import pairwise

EDGE_LINES = 3  # running headers and footers sit within this many lines of a page's top or bottom
SHORT_LINE = 0.8  # a line shorter than this share of the text's width ends its paragraph
_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_ROMAN = "(?=[ivxlc])x{0,3}(?:ix|iv|v?i{0,3})|(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    rf"^(?:page\s+)?[{_DASHES}(\[]?\s*(?:\d{{1,4}}|{_ROMAN})\s*[{_DASHES})\]]?(?:\s*(?:of|/)\s*\d{{1,4}})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_ENDS = (".", "!", "?", ":", '"', "'", "\u201d", "\u2019", ")")
INDENT = 2  # characters of first-line indent that start a paragraph
GAP = 1.4  # a space above a line this many times the usual line spacing is a paragraph break
INDENT_POINTS = 6  # a line starting this far right of the left edge (in PDF points) is indented
SIZE_CHANGE = 1.15  # lines whose type sizes differ by more than this ratio are in different blocks


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip()))


def _edge_keys(lines: list[str]) -> dict[int, tuple[str, int, str]]:
    """The lines at a page's top and bottom, keyed by where they stand and what they say (digits aside)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    keys: dict[int, tuple[str, int, str]] = {}
    for rank, i in enumerate(filled[:EDGE_LINES]):
        keys[i] = ("top", rank, _DIGITS.sub("#", " ".join(lines[i].lower().split())))
    for rank, i in enumerate(reversed(filled[-EDGE_LINES:])):
        keys.setdefault(i, ("bottom", rank, _DIGITS.sub("#", " ".join(lines[i].lower().split()))))
    return keys


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and lines repeated at the same place at the top or bottom of most pages."""
    edges = [_edge_keys(lines) for lines in pages]
    counts: Counter[tuple[str, int, str]] = Counter(key for keys in edges for key in set(keys.values()))
    repeated = max(2, math.ceil(len(pages) / 2))
    kept = []
    for lines, keys in zip(pages, edges, strict=True):
        kept.append(
            [
                line
                for i, line in enumerate(lines)
                if i not in keys or not (is_page_number(line) or (len(pages) > 1 and counts[keys[i]] >= repeated))
            ]
        )
    return kept


def placed_lines(lines: list[tuple[str, float, float, float]]) -> str:
    """Lines of a page with their (x, y) starts and type sizes, as text: blank lines between
    blocks, spaces for indents.

    A block is what the layout shows as one: lines of one type size at that size's usual line
    spacing. A new one starts at a wider gap, a jump back up the page, or a change of size. The
    lines of a block in type larger than the page's body text (a title or a heading, however it
    wraps, and centred or not) are given as one line; body lines stay apart, for the rules of
    `paragraphs_from_pages` (indents, short lines).
    """
    sized = bool(lines) and all(size > 0 for *_, size in lines)
    if sized:
        # Line spacing grows with type size: measure it as a share of the size.
        ratios = [
            (above[2] - line[2]) / line[3]
            for above, line in pairwise(lines)
            if above[2] - line[2] > 0.5 and not _resized(above[3], line[3])
        ]
        ratio = statistics.median(ratios) if ratios else 0.0
        characters: Counter[float] = Counter()
        for text, _, _, size in lines:
            characters[round(size, 1)] += len(text.strip())
        body = characters.most_common(1)[0][0]
    else:
        gaps = [above[2] - line[2] for above, line in pairwise(lines) if above[2] - line[2] > 0.5]
        spacing = statistics.median(gaps) if gaps else 0.0
    lefts = Counter(round(x) for text, x, _, _ in lines if text.strip())
    left = min(x for x, n in lefts.items() if n == max(lefts.values())) if lefts else 0
    out: list[str] = []
    for n, (text, x, y, size) in enumerate(lines):
        if n:
            above = lines[n - 1]
            gap = above[2] - y
            usual = ratio * size if sized else spacing
            if gap < -0.5 or (sized and _resized(above[3], size)) or (usual and gap > GAP * usual):
                out.append("")  # a jump back up the page, a change of size, or paragraph spacing
            elif sized and size > body * SIZE_CHANGE and out[-1].strip():
                out[-1] = _join(out[-1], text.strip())
                continue
        out.append(("    " if x > left + INDENT_POINTS else "") + text)
    return "\n".join(out)


def _resized(above: float, size: float) -> bool:
    return max(above, size) > SIZE_CHANGE * min(above, size)


def paragraphs_from_pages(page_texts: list[str]) -> list[str]:
    """Paragraphs from pages of text laid out as on paper (pypdf's layout mode, or pdfminer's boxes).

    A paragraph ends at a blank line (paragraph spacing), before an indented line (a first-line
    indent), or after a line clearly shorter than the text's width that ends a sentence.
    """
    raw_pages = [text.splitlines() for text in page_texts]
    kept = strip_running_lines([[line.strip() for line in lines] for lines in raw_pages])
    lengths = sorted(len(line) for lines in kept for line in lines if line)
    if not lengths:
        return []
    width = lengths[int(0.9 * (len(lengths) - 1))]
    paragraphs: list[str] = []
    current = ""
    for raw, page_lines in zip(raw_pages, kept, strict=True):
        indents = _indents(raw, page_lines)
        # Space above and below the text of a page (where running lines were) is not a paragraph break.
        filled = [i for i, line in enumerate(page_lines) if line]
        body = range(filled[0], filled[-1] + 1) if filled else range(0)
        lines, indents = [page_lines[i] for i in body], [indents[i] for i in body]
        margins = Counter(indent for indent, line in zip(indents, lines, strict=True) if line)
        left = margins.most_common(1)[0][0] if margins else 0
        for line, indent in zip(lines, indents, strict=True):
            if not line:
                current = _flush(paragraphs, current)
                continue
            if current and indent > left + INDENT:
                current = _flush(paragraphs, current)
            current = _join(current, line)
            if len(line) < SHORT_LINE * width and line.endswith(_ENDS):
                current = _flush(paragraphs, current)
    _flush(paragraphs, current)
    return paragraphs


def _indents(raw: list[str], kept: list[str]) -> list[int]:
    """Each kept line's indent in characters, found from the raw line it came from."""
    indents = []
    position = 0
    for line in kept:
        while line and position < len(raw) and raw[position].strip() != line:
            position += 1
        source = raw[position] if line and position < len(raw) else ""
        indents.append(len(source) - len(source.lstrip()))
        if line:
            position += 1
    return indents


def _join(current: str, line: str) -> str:
    if not current:
        return line
    if current.endswith("-") and line[:1].islower():
        return current + line
    return f"{current} {line}"


def _flush(paragraphs: list[str], current: str) -> str:
    if current:
        paragraphs.append(current)
    return ""
