"""Word (.docx) with python-docx: the body's paragraphs and tables in document order.

Headers, footers, footnotes and comments live in other parts of the package, so reading the
body alone leaves them out, page numbers with them.
"""

from __future__ import annotations

import io

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from . import messages
from .base import Extracted, Limits, clean_paragraphs
from .zipguard import ZIP_ERRORS

FORMAT = "docx"
DOCX_ERRORS: tuple[type[BaseException], ...] = (
    *ZIP_ERRORS,
    KeyError,
    ValueError,
    etree.LxmlError,
    AttributeError,
    TypeError,
    IndexError,
)
TITLE_STYLES = frozenset({"title", "heading 1"})


def extract(data: bytes, *, limits: Limits) -> Extracted:
    try:
        document = docx.Document(io.BytesIO(data))
        blocks, title = _blocks(document)
    except DOCX_ERRORS as exc:
        # python-docx reports a missing part as KeyError, a bad content type as ValueError,
        # and broken XML through lxml.
        raise messages.corrupt(format=FORMAT) from exc
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(blocks), title=title)


def _blocks(document: DocxDocument) -> tuple[list[str], str]:
    blocks: list[str] = []
    title = ""
    seen_text = False
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text
            if text.strip():
                if not seen_text and _style_name(item) in TITLE_STYLES:
                    title = " ".join(text.split())
                seen_text = True
            blocks.append(text)
        elif isinstance(item, Table):
            cells = _table_blocks(item)
            seen_text = seen_text or any(c.strip() for c in cells)
            blocks.extend(cells)
    return blocks, title


def _table_blocks(table: Table) -> list[str]:
    out: list[str] = []
    seen: set[int] = set()
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            out.extend(p.text for p in cell.paragraphs)
    return out


def _style_name(paragraph: Paragraph) -> str:
    try:
        style = paragraph.style
    except (KeyError, ValueError, AttributeError):
        return ""
    return (style.name or "").lower() if style is not None else ""
