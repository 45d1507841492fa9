"""Nesting depth, measured before any parser sees the file.

Parsers slow down with the square of nesting depth (200,000 nested <div>s held a worker for
minutes), and no essay nests more than a few dozen elements deep. So markup deeper than
REDINK_EXTRACT_MAX_DEPTH is refused at once, whatever else the file holds.

- XML (the parts of a .docx or .odt): every tag opens, closes or closes itself, so the depth is
  a running sum over the tags, worked out with numpy over the bytes (no Python loop per tag:
  a 100 MB part takes a fraction of a second, a normal one microseconds).
- HTML: tags may be left open (<p>, <li>) or never close (<br>), so tags are followed by name:
  a void element does not nest, opening an element that closes itself implicitly (a second
  <p>) replaces the open one, and an end tag closes back to the element it names.
"""

from __future__ import annotations

import re

import numpy as np

_LT, _GT, _SLASH, _BANG, _QUESTION = (ord(c) for c in "<>/!?")

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Elements whose start tag closes an open one of the same name (a simplification of HTML's rules
# that never counts deeper than a browser would).
SELF_REPLACING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot"})
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>|<!--.*?-->", re.DOTALL)


def xml_deeper_than(data: bytes, limit: int) -> bool:
    """Whether an XML document nests deeper than `limit`. Only a tag that is not an end tag can
    open a level, so a part with no more of those than the limit (most of a document's small
    parts, and the text of a short essay) is answered by counting, without `xml_depth`."""
    if data.count(b"<") - data.count(b"</") <= limit:
        return False
    return xml_depth(data) > limit


def xml_depth(data: bytes) -> int:
    """The deepest element nesting of an XML document (comments and CDATA sections with '<' in
    them can only make it look deeper, never shallower)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    opens = np.flatnonzero(raw == _LT)
    if opens.size == 0:
        return 0
    closes = np.flatnonzero(raw == _GT)
    if closes.size == 0:
        return 0
    # The '>' ending each tag: the first at or after its '<'.
    ends = np.searchsorted(closes, opens)
    complete = ends < closes.size
    opens, ends = opens[complete], closes[ends[complete]]
    after = raw[np.minimum(opens + 1, raw.size - 1)]
    before_end = raw[np.maximum(ends - 1, 0)]
    step = np.ones(opens.size, dtype=np.int64)
    step[after == _SLASH] = -1
    step[(after == _BANG) | (after == _QUESTION) | (before_end == _SLASH)] = 0
    return int(np.cumsum(step).max(initial=0))


def html_depth(text: str, *, stop_at: int) -> int:
    """The deepest element nesting of an HTML page, counted up to `stop_at`."""
    stack: list[str] = []
    deepest = 0
    for match in _HTML_TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2), match.group(3)
        if name is None:
            continue  # a comment
        name = name.lower()
        if closing:
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        if name in VOID_ELEMENTS or self_closing:
            continue
        if name in SELF_REPLACING and stack and stack[-1] == name:
            stack.pop()
        stack.append(name)
        if len(stack) > deepest:
            deepest = len(stack)
            if deepest > stop_at:
                return deepest
    return deepest
