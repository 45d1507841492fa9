"""OpenDocument text (.odt) with odfpy: the body's paragraphs, headings, lists and tables in order.

Headers and footers belong to the page styles (styles.xml), not the body, and footnotes and
comments sit inside paragraphs as elements of their own, which are skipped.
"""

from __future__ import annotations

import io
import xml.sax
from dataclasses import dataclass, field
from typing import Any

from odf import opendocument
from odf.namespaces import OFFICENS, STYLENS, TABLENS, TEXTNS

from . import messages
from .base import Extracted, Limits, clean_paragraphs
from .zipguard import ZIP_ERRORS

FORMAT = "odt"
BLOCKS = frozenset({(TEXTNS, "p"), (TEXTNS, "h")})
SKIPPED = frozenset(
    {
        (TEXTNS, "note"),
        (TEXTNS, "tracked-changes"),
        (TEXTNS, "sequence-decls"),
        (TEXTNS, "table-of-content"),
        (TEXTNS, "alphabetical-index"),
        (TEXTNS, "illustration-index"),
        (TEXTNS, "bibliography"),
        (OFFICENS, "annotation"),
        (OFFICENS, "forms"),
        (TABLENS, "table-header-rows"),
    }
)
# odfpy reports a missing part as KeyError, bad XML through SAX, odd structure as attribute and
# index errors; the zip beneath it fails in its own ways.
ODT_ERRORS: tuple[type[BaseException], ...] = (
    *ZIP_ERRORS,
    xml.sax.SAXException,
    KeyError,
    ValueError,
    IndexError,
    AttributeError,
    TypeError,
    UnicodeError,
)
TEXT_NODE = 3
MAX_DEPTH = 200


def extract(data: bytes, *, limits: Limits) -> Extracted:
    try:
        document = opendocument.load(io.BytesIO(data))
        body = getattr(document, "text", None)
        if body is None:
            raise messages.corrupt(format=FORMAT)
        state = _State(title_styles=_title_styles(document))
        _walk(body, state, depth=0)
    except ODT_ERRORS as exc:
        raise messages.corrupt(format=FORMAT) from exc
    except RecursionError as exc:
        raise messages.corrupt(format=FORMAT) from exc
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(state.blocks), title=state.title)


@dataclass
class _State:
    title_styles: set[str]
    blocks: list[str] = field(default_factory=list)
    title: str = ""
    seen_text: bool = False


def _title_styles(document: Any) -> set[str]:
    """ "Title" and the automatic styles derived from it."""
    names = {"Title"}
    for style in getattr(document.automaticstyles, "childNodes", []):
        is_style = getattr(style, "qname", None) == (STYLENS, "style")
        if is_style and style.getAttrNS(STYLENS, "parent-style-name") == "Title":
            names.add(style.getAttrNS(STYLENS, "name"))
    return names


def _walk(node: Any, state: _State, *, depth: int) -> None:
    """Append the text of every paragraph and heading under `node`, noting the title if one opens it."""
    if depth > MAX_DEPTH:
        raise messages.corrupt(format=FORMAT)
    for child in node.childNodes:
        qname = getattr(child, "qname", None)
        if child.nodeType == TEXT_NODE or qname in SKIPPED:
            continue
        if qname in BLOCKS:
            text = "".join(_inline_text(child, depth=depth + 1))
            if text.strip():
                if not state.seen_text and _is_title(child, state.title_styles):
                    state.title = " ".join(text.split())
                state.seen_text = True
            state.blocks.append(text)
        else:
            _walk(child, state, depth=depth + 1)


def _is_title(element: Any, title_styles: set[str]) -> bool:
    if element.qname == (TEXTNS, "h"):
        return element.getAttrNS(TEXTNS, "outline-level") in (None, "", "1")
    return element.getAttrNS(TEXTNS, "style-name") in title_styles


def _inline_text(element: Any, *, depth: int) -> list[str]:
    if depth > MAX_DEPTH:
        raise messages.corrupt(format=FORMAT)
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == TEXT_NODE:
            parts.append(child.data)
            continue
        qname = child.qname
        if qname in SKIPPED:
            continue
        if qname == (TEXTNS, "s"):
            count = child.getAttrNS(TEXTNS, "c")
            parts.append(" " * min(int(count) if count and count.isdigit() else 1, 100))
        elif qname in ((TEXTNS, "tab"), (TEXTNS, "line-break")):
            parts.append(" ")
        else:
            parts.extend(_inline_text(child, depth=depth + 1))
    return parts
