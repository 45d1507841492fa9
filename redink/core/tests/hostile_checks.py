"""Reading an answer as a browser would, to tell planted text that stayed text from planted text
that became markup. Python's own HTML parser tokenises as browsers do for what matters here:
a tag, an attribute, the end of a <script>."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "xlink:href", "data", "srcset", "background"}
# Where markup cannot isolate text (the tab's title; an option of a select): left out of the
# bidi check, and why titles and names refuse the controls outright.
UNISOLATABLE = {"title", "option"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parents: tuple[Node, ...]
    text: list[str] = field(default_factory=list)


@dataclass
class TextRun:
    text: str
    parents: tuple[Node, ...]


class Page(HTMLParser):
    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Node] = []
        self.texts: list[TextRun] = []
        self._open: list[Node] = []
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, tuple(self._open))
        self.elements.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text.append(data)
        self.texts.append(TextRun(data, tuple(self._open)))

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.texts if not any(p.tag in {"script", "style"} for p in run.parents))

    def attribute_values(self) -> list[str]:
        return [value for node in self.elements for value in node.attrs.values()]


def markup_problems(page: Page, token: str) -> list[str]:
    """Elements or attributes that came from the planted text."""
    problems = []
    for node in page.elements:
        for name, value in node.attrs.items():
            if name.startswith("on") and token in value:
                problems.append(f"an event handler attribute {name}= on <{node.tag}> runs the planted text")
        if node.tag == "img" and node.attrs.get("src") == "x":
            problems.append("the planted <img src=x> became an element")
        if node.tag == "script" and token in "".join(node.text):
            kind = node.attrs.get("type", "")
            if kind not in {"application/ld+json", "application/json"}:
                problems.append("the planted <script> became an element")
    return problems


def javascript_addresses(page: Page) -> list[str]:
    found = []
    for node in page.elements:
        for name, value in node.attrs.items():
            if name in ADDRESS_ATTRIBUTES and "".join(value.split()).lower().startswith("javascript:"):
                found.append(f'<{node.tag} {name}="{value[:60]}">')
    return found


def data_blocks(page: Page) -> list[tuple[str, str]]:
    """The JSON data blocks (<script type="application/ld+json"> and json_script), as parsed."""
    return [
        (node.attrs["type"], "".join(node.text))
        for node in page.elements
        if node.tag == "script" and node.attrs.get("type") in {"application/ld+json", "application/json"}
    ]


def unisolated_bidi(page: Page, marker: str) -> list[str]:
    """Text runs holding `marker` (a bidi control before the planted token) that no <bdi> and no
    element with a dir attribute (below <html>) contains."""
    bad = []
    for run in page.texts:
        if marker not in run.text:
            continue
        tags = {p.tag for p in run.parents}
        if tags & (UNISOLATABLE | {"script", "style", "head"}):
            continue
        if any(p.tag == "bdi" or ("dir" in p.attrs and p.tag != "html") for p in run.parents):
            continue
        where = " > ".join(
            f"{p.tag}{'.' + p.attrs['class'].split()[0] if p.attrs.get('class') else ''}" for p in run.parents[-3:]
        )
        bad.append(f"{where}: {run.text.strip()[:50]!r}")
    return bad


def json_strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in [*value.keys(), *value.values()] for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return [value] if isinstance(value, str) else []


def json_parsed(body: str) -> Any:
    return json.loads(body)
