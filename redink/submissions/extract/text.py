"""Plain text (.txt) and Markdown (.md): decoded, then split into paragraphs at blank lines.

A file written one paragraph to a line (as many editors save) has no blank lines: then each
long line is a paragraph. Hard-wrapped lines within a block are joined.
"""

from __future__ import annotations

import re

from . import messages
from .base import Extracted, Limits, clean_paragraphs
from .sniff import decode_text

FORMAT = "txt"
LONG_LINE = 100  # characters; a block of lines mostly this long is one paragraph per line
TITLE_MAX_WORDS = 25
_BLANK = re.compile(r"\n[ \t\f\v]*\n")


def decode(data: bytes) -> str:
    text = decode_text(data)
    if text is None:
        raise messages.binary()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def blocks_of(text: str) -> list[str]:
    out: list[str] = []
    for block in _BLANK.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) > 1 and sum(len(line) >= LONG_LINE for line in lines) * 2 > len(lines):
            out.extend(lines)
        elif lines:
            out.append(" ".join(lines))
    return out


def title_of(blocks: list[str]) -> str:
    """A first block that is one short line, followed by more text, reads as the title."""
    if len(blocks) < 2:
        return ""
    first = " ".join(blocks[0].split())
    return first if len(first.split()) <= TITLE_MAX_WORDS and len(first) <= 250 else ""


def extract(data: bytes, *, limits: Limits) -> Extracted:
    blocks = blocks_of(decode(data))
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(blocks), title=title_of(blocks))
