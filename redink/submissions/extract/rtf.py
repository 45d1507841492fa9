"""Rich Text (.rtf) with striprtf. Headers, footers, footnotes and fields are RTF destinations, which it skips."""

from __future__ import annotations

from striprtf.striprtf import rtf_to_text

from . import messages
from .base import Extracted, Limits, clean_paragraphs
from .text import title_of

FORMAT = "rtf"


def extract(data: bytes, *, limits: Limits) -> Extracted:
    # RTF is 7-bit text; bytes above that only appear in broken files and decode harmlessly.
    source = data.decode("latin-1")
    try:
        text = rtf_to_text(source, errors="replace")
    except (ValueError, IndexError, KeyError, LookupError, OverflowError, TypeError) as exc:
        raise messages.corrupt(format=FORMAT) from exc
    # Each \par ends a line; a paragraph is a line.
    blocks = [line for line in text.splitlines() if line.strip()]
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(blocks), title=title_of(blocks))
