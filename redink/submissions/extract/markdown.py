"""Markdown (.md): the text without its markup. A leading `# heading` is the title."""

from __future__ import annotations

import re

from .base import Extracted, Limits, clean_paragraphs
from .text import blocks_of, decode, title_of

FORMAT = "md"
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|~~|`)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORES = re.compile(r"(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def extract(data: bytes, *, limits: Limits) -> Extracted:
    lines: list[str] = []
    title = ""
    heading_first = None
    for line in decode(data).split("\n"):
        if _FENCE.match(line) or _RULE.match(line) or _REFERENCE.match(line):
            lines.append("")
            continue
        if _SETEXT.match(line) and lines and lines[-1].strip():
            lines.append("")  # the line above was a heading: end its block
            continue
        heading = _HEADING.match(line)
        if heading:
            text = _inline(heading.group(2))
            if heading_first is None:
                heading_first = not any(existing.strip() for existing in lines) and len(heading.group(1)) == 1
                title = text if heading_first else ""
            lines.extend(["", text, ""])
            continue
        lines.append(_inline(_BULLET.sub("", _QUOTE.sub("", line))))
    blocks = blocks_of("\n".join(lines))
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(blocks), title=title or title_of(blocks))


def _inline(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    for _ in range(3):  # nested emphasis, e.g. ***bold italic***
        text = _UNDERSCORES.sub(r"\2", _EMPHASIS.sub(r"\2", text))
    return _TAG.sub("", text)
