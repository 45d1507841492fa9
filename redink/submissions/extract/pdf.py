"""PDF with pypdf, falling back to pdfminer.six when pypdf fails or finds no text.

A PDF has no paragraphs, only lines placed on pages, so they are rebuilt (`pdflines`): running
headers and footers (lines repeated at the top or bottom of most pages) and page numbers are
dropped, and a line clearly shorter than the text's width ends a paragraph.
"""

from __future__ import annotations

import io
import logging
import math
from collections import Counter
from typing import Any

from . import messages
from .base import Extracted, ExtractionError, Limits, clean_paragraphs
from .pdflines import paragraphs_from_pages, placed_lines

FORMAT = "pdf"
logger = logging.getLogger(__name__)
# Fewer characters than this per page, on average, and the PDF is taken to have no text layer.
MIN_CHARS_PER_PAGE = 4


def extract(data: bytes, *, limits: Limits) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
        page_count = len(reader.pages)
    except ExtractionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError, OSError) as exc:
        raise messages.corrupt(format=FORMAT) from exc
    except RecursionError as exc:
        raise messages.corrupt(format=FORMAT) from exc
    if page_count == 0:
        raise messages.corrupt(format=FORMAT)
    if page_count > limits.pdf_max_pages:
        raise messages.too_many_pages(pages=page_count, limit=limits.pdf_max_pages)

    pages = _pypdf_pages(reader)
    if pages is None or _too_little(pages):
        fallback = _pdfminer_pages(data, max_pages=limits.pdf_max_pages)
        if fallback is not None and not _too_little(fallback):
            pages = fallback
        elif pages is None and fallback is None:
            raise messages.corrupt(format=FORMAT)
        elif _has_images(reader):
            raise messages.scanned()
        else:
            raise messages.no_text(format=FORMAT)
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(paragraphs_from_pages(pages)), title=_title(reader))


def _decrypt(reader) -> None:
    """Open a PDF locked only against editing (an empty user password); refuse one that needs a password."""
    from pypdf.errors import PyPdfError

    try:
        opened = reader.decrypt("")
    except (PyPdfError, NotImplementedError, ValueError, KeyError, TypeError) as exc:
        raise messages.encrypted() from exc
    if not opened:
        raise messages.encrypted()


def _pypdf_pages(reader) -> list[str] | None:
    pages = []
    try:
        for page in reader.pages:
            pages.append(page_text(page))
    except RecursionError:
        return None
    except Exception:  # pypdf raises many kinds on malformed pages; pdfminer gets a turn
        logger.info("pypdf could not extract text; trying pdfminer.six", exc_info=True)
        return None
    return pages


def page_text(page) -> str:
    """A page's text from pypdf's plain extraction, its lines placed as on paper (`placed_lines`): a
    blank line where the space above a line is clearly wider than its size's line spacing or the
    type changes size, an indent where a line starts to the right of the text's left edge, and the
    wrapped lines of a title in large type as one. (pypdf's layout mode places lines at a third more
    cost, and knows nothing of sizes.)"""
    lines: list[list[Any]] = []
    current: list[Any] | None = None

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        nonlocal current
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scaled = _type_size(size, cm, tm)
        pieces = text.split("\n")
        for n, piece in enumerate(pieces):
            if current is None:
                current = [piece, x, y, Counter()]
            elif not current[0].strip():
                # A line is where its first visible text is, not where a stray space was drawn.
                current = [current[0] + piece, x, y, current[3]]
            else:
                current[0] += piece
            current[3][scaled] += len(piece.strip())
            if n < len(pieces) - 1:
                lines.append(current)
                current = None

    plain = page.extract_text(visitor_text=visit) or ""
    if current is not None:
        lines.append(current)
    if not lines:
        return plain
    # A line's size is the size most of its characters are in (a superscript or a bold word aside).
    return placed_lines([(str(text), float(x), float(y), _most_of(sizes)) for text, x, y, sizes in lines])


def _type_size(size: Any, cm: Any, tm: Any) -> float:
    """The type's height on the page: the font size set, scaled by the text and page matrices (word
    processors often set size 1 and scale the text matrix instead)."""
    try:
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        return round(abs(float(size)) * math.hypot(c, d), 1)
    except (TypeError, ValueError, IndexError):
        return 0.0


def _most_of(sizes: Counter[float]) -> float:
    filled = [(n, size) for size, n in sizes.items() if n]
    return max(filled)[1] if filled else (next(iter(sizes), 0.0) if sizes else 0.0)


def _pdfminer_pages(data: bytes, *, max_pages: int) -> list[str] | None:
    from pdfminer.high_level import extract_text

    try:
        text = extract_text(io.BytesIO(data), maxpages=max_pages)
    except RecursionError:
        return None
    except Exception:  # pdfminer's errors have no common base class
        logger.info("pdfminer.six could not extract text either", exc_info=True)
        return None
    return text.split("\f")


def _too_little(pages: list[str]) -> bool:
    characters = sum(len("".join(page.split())) for page in pages)
    return characters < MIN_CHARS_PER_PAGE * max(len(pages), 1)


def _has_images(reader) -> bool:
    try:
        for page in reader.pages:
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else None
            xobjects = resources.get("/XObject") if resources is not None else None
            xobjects = xobjects.get_object() if xobjects is not None else None
            for ref in (xobjects or {}).values():
                if ref.get_object().get("/Subtype") == "/Image":
                    return True
    except Exception:  # a malformed resource dictionary is not an image
        return False
    return False


def _title(reader) -> str:
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # broken metadata is no title
        return ""
    title = " ".join(str(title).split()) if title else ""
    # Word processors often store the file name ("Microsoft Word - essay.docx") as the title.
    return "" if not title or "." in title[-6:] or title.lower().startswith("microsoft word") else title[:250]
