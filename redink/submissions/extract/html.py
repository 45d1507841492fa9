"""Web pages (.html): nh3 sanitises, then the standard library's parser splits the text into blocks.

nh3 drops scripts, styles and the parts a page marks as not its content (header, footer, nav,
aside) with everything inside them, and repairs broken markup; the parser then ends a
paragraph at every block element.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

from . import messages
from .base import Extracted, Limits, clean_paragraphs
from .depth import html_depth
from .sniff import decode_text

FORMAT = "html"
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "blockquote", "pre", "li", "ul", "ol", "dl", "dt", "dd",
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "br", "hr", "figure", "figcaption",
    }
)  # fmt: skip
INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "span", "sub", "sup", "small", "mark", "cite", "q"})
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "title", "header", "footer", "nav", "aside", "noscript", "template", "form", "button"}
)


def extract(data: bytes, *, limits: Limits) -> Extracted:
    source = decode_text(data)
    if source is None:
        raise messages.binary()
    if html_depth(source, stop_at=limits.max_depth) > limits.max_depth:
        raise messages.too_deep(format=FORMAT, limit=limits.max_depth)
    try:
        clean = nh3.clean(
            source,
            tags=set(BLOCK_TAGS | INLINE_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={},
            strip_comments=True,
            link_rel=None,
        )
    except (ValueError, TypeError) as exc:
        raise messages.corrupt(format=FORMAT) from exc
    parser = _Blocks()
    parser.feed(clean)
    parser.close()
    return Extracted(format=FORMAT, paragraphs=clean_paragraphs(parser.blocks), title=_title(source))


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        if self._current:
            self.blocks.append("".join(self._current))
            self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


class _Title(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "h1") and not self.title:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self.title = (self.title + " " + data).strip() if self.title else data.strip()


def _title(source: str) -> str:
    """The page's <title>, else its first <h1>, from the sanitised head and body."""
    parser = _Title()
    head_and_body = nh3.clean(
        source,
        tags={"title", "h1"},
        clean_content_tags={"script", "style", "noscript", "template"},
        attributes={},
        link_rel=None,
    )
    parser.feed(head_and_body)
    parser.close()
    return " ".join(parser.title.split())[:250]
