"""What every extractor returns, the one error it may raise, and the limits it works within."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

# Control characters other than tab and newline become spaces; invisible characters (zero-width
# spaces and joiners, byte-order marks, soft hyphens) are dropped.
_CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f"
_INVISIBLE_CHARS = r"\u200b-\u200d\u2060\ufeff\u00ad"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_EITHER = re.compile(f"[{_CONTROL_CHARS}{_INVISIBLE_CHARS}]")


@dataclass(frozen=True)
class Extracted:
    """A document reduced to plain-text paragraphs, and the title it names (if any)."""

    format: str
    paragraphs: tuple[str, ...]
    title: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


class ExtractionError(Exception):
    """A file we cannot take, with a code (for tests and moderators) and what to tell the contributor."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[ExtractionError], tuple[str, str]]:
        # Pickled whole on its way back from the child process that extracts (`isolated.py`).
        return (ExtractionError, (self.code, self.message))


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    zip_max_members: int
    zip_max_uncompressed: int
    pdf_max_pages: int
    max_depth: int = 200

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.REDINK_UPLOAD_MAX_BYTES,
            zip_max_members=settings.REDINK_ZIP_MAX_MEMBERS,
            zip_max_uncompressed=settings.REDINK_ZIP_MAX_UNCOMPRESSED_BYTES,
            pdf_max_pages=settings.REDINK_PDF_MAX_PAGES,
            max_depth=settings.REDINK_EXTRACT_MAX_DEPTH,
        )


def clean_paragraphs(blocks: list[str]) -> tuple[str, ...]:
    """Single-spaced paragraphs, empties dropped; control characters (other than spacing) removed."""
    # Most documents hold neither: one search over the whole text spares two substitutions a
    # paragraph (a fifth of the cleaning; newlines, which join them here, are neither).
    if _EITHER.search("\n".join(blocks)):
        blocks = [_CONTROL.sub(" ", _INVISIBLE.sub("", block)) for block in blocks]
    out = []
    for block in blocks:
        text = " ".join(block.split())
        if text:
            out.append(text)
    return tuple(out)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
