"""Texts split into paragraphs of marked and unmarked pieces, for showing shared passages side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    passage: int | None  # the shared passage's number (1, 2, ...), or None for text of its own


def highlight(text: str, spans: Sequence[tuple[int, int, int]]) -> list[list[Piece]]:
    """Paragraphs (split at blank lines) of pieces; `spans` are (start, end, passage number) in characters."""
    marks = sorted(spans)
    paragraphs: list[list[Piece]] = []
    offset = 0
    for block in text.split("\n\n"):
        block_start, block_end = offset, offset + len(block)
        offset = block_end + 2
        pieces: list[Piece] = []
        at = block_start
        for start, end, number in marks:
            start, end = max(start, at), min(end, block_end)
            if start >= end:
                continue
            if start > at:
                pieces.append(Piece(text[at:start], None))
            pieces.append(Piece(text[start:end], number))
            at = end
        if at < block_end:
            pieces.append(Piece(text[at:block_end], None))
        if any(piece.text.strip() for piece in pieces):
            paragraphs.append(pieces)
    return paragraphs
