"""The paywall leak check, shared by the crawl inside Django (redink/access/tests/test_leak_crawl.py)
and the crawl through nginx (`crawl_site`: deploy/faults/leak_crawl.sh and
redink/ops/tests/test_leak_crawl_nginx.py).

A crawl GETs its start addresses and every same-site link on the answers, breadth first. A
leak is a piece of hidden text found in an answer's headers or body, less what the address
itself asked for (a search page repeats its query). The in-process crawl plants essays whose
every sentence carries a marker word, so a hidden piece is a marker; the crawl through nginx
runs on whatever library the site holds (the demo's), so a hidden piece is a run of `RUN`
words of an essay, a review or a margin comment that the viewer may not read. What a viewer
may read is decided by `essay_text_for`, the one function that decides it (see `survey`).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, quote_plus, unquote, urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver

# A safety stop: a crawl fails if it would need more pages than this.
MAX_PAGES = 20000


# --- Walking a site ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """One answer, whoever fetched it (Django's test client or a socket to nginx)."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: str

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    @property
    def text(self) -> str:
        """What the leak check reads: every header, then the body."""
        return "\n".join(f"{k}: {v}" for k, v in self.headers) + "\n" + self.body


# Address -> (status, headers and body).
Responses = dict[str, tuple[int, str]]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.links.append(value)


# A JSON string that is an address: a path on this site, or an absolute http(s) URL.
_JSON_ADDRESS = re.compile(r"(?:/|https?://)[^\s<>\"]*")


def _addresses_in_json(value: Any) -> Iterable[str]:
    """Every string of a JSON document that is an address (the API's `next` pages, `url`s)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _addresses_in_json(item)
    elif isinstance(value, list):
        for item in value:
            yield from _addresses_in_json(item)
    elif isinstance(value, str) and _JSON_ADDRESS.fullmatch(value):
        yield value


def links_in(answer: Fetched) -> list[str]:
    """Where an answer points: its redirect, its HTML links and forms, a sitemap's addresses,
    and the addresses a JSON answer names (so an API listing's `next` cursor pages are walked)."""
    targets = [answer.header("Location")] if answer.header("Location") else []
    content_type = answer.header("Content-Type")
    if "html" in content_type or "xml" in content_type:
        parser = _Links()
        parser.feed(answer.body)
        targets += parser.links
        targets += re.findall(r"<loc>([^<]+)</loc>", answer.body)
    elif "json" in content_type:
        with contextlib.suppress(ValueError):  # not JSON after all: the leak check still reads it as text
            targets += _addresses_in_json(json.loads(answer.body))
    return targets


def crawl(
    fetch: Callable[[str], Fetched],
    start: Iterable[str],
    *,
    hosts: Iterable[str],
    follow: bool = True,
    under: str = "/",
) -> Responses:
    """GET every start address and (unless `follow` is False) every link found on this site
    (`hosts`: the netlocs that count as this site, "" for relative links) whose path starts
    with `under` (say "/api/", for a crawl with an API token), breadth first."""
    same_site = set(hosts) | {""}
    seen: Responses = {}
    queue = deque(sorted(start))
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        answer = fetch(url)
        seen[url] = (answer.status, answer.text)
        for target in links_in(answer) if follow else []:
            parts = urlsplit(urljoin(url, target))
            if parts.netloc not in same_site or parts.scheme not in ("", "http", "https"):
                continue
            if not parts.path.startswith(under):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in seen:
                queue.append(local)
    if queue:
        raise AssertionError(f"the crawl stopped at {MAX_PAGES} pages with {len(queue)} links unvisited")
    return seen


# --- Every URL pattern Django knows, filled in ---------------------------------------------------


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _regex_of(pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _regex_of(pattern), pattern


def _regex_of(pattern) -> str:
    return pattern.pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")


_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def urls_for_every_pattern(bindings: list[dict[str, str]], default: str | None = None) -> set[str]:
    """Every URL pattern, once per binding (argument name -> value). An argument no binding
    names fails, unless `default` is given: then it gets that value."""
    urls: set[str] = set()
    for regex, pattern in _walk(get_resolver().url_patterns):
        names = _GROUP.findall(regex)
        unknown = [n for n in names if n not in bindings[0]]
        if unknown and default is None:
            raise AssertionError(
                f"The leak crawl cannot fill {unknown} in the URL pattern {regex!r} ({pattern.name}); "
                "add values for them to the leak_world bindings."
            )
        for binding in bindings:
            filled = {n: binding.get(n, default or "") for n in names}
            path = _GROUP.sub(lambda m, b=filled: b[m.group(1)], regex)  # type: ignore[misc]
            urls.add("/" + path.replace("\\", ""))
    return urls


# --- The check -----------------------------------------------------------------------------------


def leaks_in(responses: Responses, hidden: set[str], pieces: Callable[[str], set[str]]) -> dict[str, list[str]]:
    """Per address, the hidden pieces its answer shows (at most five), less those its own
    address carries: a page may repeat what the requester typed into it, nothing more."""
    found = {url: sorted((pieces(text) & hidden) - pieces(unquote(url)))[:5] for url, (_, text) in responses.items()}
    return {url: pieces for url, pieces in found.items() if pieces}


# Runs of this many words: long enough that two essays do not share one by chance, short
# enough that a clipped snippet of a sentence is caught. (A sentence shorter than this, shown
# alone, is not caught; a paragraph shorter than it is, see Hidden.)
RUN = 8
_WORD = re.compile(r"[^\W_]+")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrt\"/\\]")
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+")
_ATTRIBUTE = re.compile(r"=\s*(?:\"([^\"]*)\"|'([^']*)')")


def words(text: str) -> list[str]:
    """A text's words, lower-cased, punctuation and HTML entities dropped."""
    return _WORD.findall(html.unescape(text).lower())


def runs(text: str) -> set[str]:
    """Every run of RUN words in a text."""
    found = words(text)
    return {" ".join(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


def unescape_json(text: str) -> str:
    """JSON's string escapes undone (`\\u00e9`, `\\n`, `\\"`), so hidden words written escaped in a
    JSON body or a JSON-LD block are read as the words they are."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else " ", text)


def page_chunks(text: str) -> list[str]:
    """The texts a page shows or carries: its text with the tags taken out (so a word
    highlighted in a snippet still runs on), and each attribute value (meta descriptions),
    with JSON's escapes undone."""
    text = unescape_json(text)
    return [_TAG.sub(" ", text)] + [double or single for double, single in _ATTRIBUTE.findall(text)]


def page_runs(text: str) -> set[str]:
    return set().union(*map(runs, page_chunks(text)))


# A hidden paragraph shorter than RUN words is looked for whole, if it has at least this many.
SHORTEST = 4


@dataclass(frozen=True)
class Hidden:
    """What one viewer may not read, as word runs (and short paragraphs, whole), less
    whatever the same viewer may read elsewhere (another essay's preview, a title)."""

    runs: frozenset[str]
    phrases: frozenset[str]

    @classmethod
    def of(cls, hidden: Iterable[str], readable: Iterable[str]) -> Hidden:
        hidden, readable = list(hidden), list(readable)
        readable_words = " | ".join(" ".join(words(t)) for t in readable)
        phrases = {" ".join(w) for w in map(words, hidden) if SHORTEST <= len(w) < RUN}
        # A hidden run stays inside one sentence: a preview that stops at a sentence's end is
        # followed on the page by words of the page's own ("This is a preview…"), which may
        # happen to be the words the next, hidden, sentence begins with.
        sentences = [sentence for text in hidden for sentence in _SENTENCE_END.split(text)]
        return cls(
            runs=frozenset(set().union(*map(runs, sentences)) - set().union(*map(runs, readable))),
            phrases=frozenset(p for p in phrases if f" {p} " not in f" {readable_words} "),
        )

    @property
    def pieces(self) -> set[str]:
        return set(self.runs | self.phrases)

    def found_in(self, text: str) -> set[str]:
        """The pieces of a page, for `leaks_in`."""
        chunks = page_chunks(text)
        found = set().union(*map(runs, chunks))
        if self.phrases:
            flat = " | ".join(" ".join(words(chunk)) for chunk in chunks)
            found |= {p for p in self.phrases if f" {p} " in f" {flat} "}
        return found


# --- What a viewer may not read, from inside the site's Django ------------------------------------


def survey(path: str, *, searches: int = 6, every_pattern: bool = True) -> None:
    """Run in the site's own Django (`manage.py shell`): make a free account, and write to
    `path` as JSON, per viewer (a visitor, the free account), the texts it may read and those
    it may not, with the addresses a crawl starts from: every URL pattern filled in with each
    essay's slugs (unless `every_pattern` is False), `/`, the sitemap and some searches.

    An essay's readable text is what `essay_text_for` gives that viewer; the rest of its text
    is hidden, and so is every word of every teacher's review, margin comment, hiding reason
    and comment bank: visitors and free accounts see their stars, names and marks only."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client

    from redink.access.visibility import essay_text_for
    from redink.accounts.models import User
    from redink.catalogue.models import Essay
    from redink.marking.models import BankComment, MarginComment, Review
    from redink.testing.factories import UserFactory

    # An address of its own: a new process's factory sequence starts again at the first one.
    made = UserFactory(
        email=f"leak-crawl-{secrets.token_hex(4)}@example.org", display_name="Leak Reader", password=None
    )
    free = cast(User, made)
    client = Client()
    client.force_login(free)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    essays = list(Essay.objects.select_related("section__subject__level", "author").order_by("pk"))
    published = [e for e in essays if e.status == Essay.Status.PUBLISHED]
    teachers_words = [w for r in Review.objects.all() for w in (r.strengths, r.next_steps, r.hidden_reason)]
    teachers_words += [w for c in MarginComment.objects.all() for w in (c.body, c.hidden_reason)]
    teachers_words += [c.text for c in BankComment.objects.all()]
    viewers: dict[str, dict[str, Any]] = {}
    for name, viewer, cookies in (
        ("visitor", None, {}),
        ("free account", free, {settings.SESSION_COOKIE_NAME: session}),
    ):
        readable = [e.title for e in published]
        pages = []
        for essay in published:
            shown = essay_text_for(essay=essay, viewer=viewer)
            readable += shown.blocks
            pages.append({"url": essay.get_absolute_url(), "opening": shown.blocks[0] if shown.blocks else ""})
        viewers[name] = {
            "cookies": cookies,
            "readable": readable,
            "hidden": [p for e in essays for p in e.paragraphs] + [w for w in teachers_words if w],
            "essays": pages,
        }

    content_type = str(ContentType.objects.get_for_model(Essay).pk)
    bindings = [
        {
            "slug": e.slug,
            "level": e.level.slug,
            "subject": e.subject.slug,
            "section": e.section.slug,
            "object_id": str(e.pk),
            "content_type_id": content_type,
            "name": e.author.public_name if e.author else "no-such-author",
        }
        for e in essays
    ]
    bindings.append({k: f"missing-{k}" for k in bindings[0]} | {"object_id": "987654"})
    start = {"/", "/sitemap.xml", "/robots.txt"}
    if every_pattern:
        start |= urls_for_every_pattern(bindings, default="1")
    start |= search_urls([p for e in published for p in e.paragraphs[1:]], count=searches)
    Path(path).write_text(json.dumps({"viewers": viewers, "start": sorted(start)}))


def search_urls(texts: Sequence[str], *, count: int) -> set[str]:
    """Searches for a few words (the most frequent long ones) and for short phrases of hidden
    paragraphs, quoted and not, with their suggestions."""
    words = Counter(w for t in texts for w in _WORD.findall(t.lower()) if len(w) > 6)
    urls = {f"/search/?q={w}" for w, _ in words.most_common(count)}
    urls |= {f"/search/suggest/?q={w[:4]}" for w, _ in words.most_common(count)}
    for text in texts[:: max(1, len(texts) // count)][:count]:
        phrase = " ".join(_WORD.findall(text)[2:5])
        urls |= {f"/search/?q={quote_plus(phrase)}", f"/search/?q={quote_plus(chr(34) + phrase + chr(34))}"}
    return urls | {"/search/?q=essay&sort=newest"}


# --- The crawl through nginx ---------------------------------------------------------------------


@dataclass
class ViewerReport:
    """What one viewer's crawl met: every address fetched twice, the second answer mostly nginx's copy."""

    name: str
    pages: int = 0
    fetches: int = 0
    cache: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    limited: list[str] = field(default_factory=list)
    leaks: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # essay pages not reached, or without their opening
    seconds: float = 0.0
    hidden: int = 0  # how many pieces of hidden text were looked for

    def failures(self) -> list[str]:
        out = []
        if self.leaks:
            out.append(
                f"hidden text reached the {self.name} at {len(self.leaks)} addresses: {dict(list(self.leaks.items())[:5])}"
            )
        if self.server_errors:
            out.append(f"{len(self.server_errors)} server errors for the {self.name}: {self.server_errors[:5]}")
        if self.limited:
            out.append(f"the {self.name}'s crawl met rate limits at {self.limited[:5]}")
        if self.missing:
            out.append(f"essay pages the {self.name} did not get whole: {self.missing[:5]}")
        return out

    def line(self) -> str:
        cache = ", ".join(f"{k} {v}" for k, v in sorted(self.cache.items()))
        return (
            f"{self.name}: {self.pages} addresses, {self.fetches} fetches in {self.seconds:.1f} s "
            f"(X-Cache-Status: {cache}); 5xx {len(self.server_errors)}, 429 {len(self.limited)}, "
            f"{self.hidden} hidden word runs looked for, leaks {len(self.leaks)}"
        )


_URL_SAFE = "/?&=%+:;,@!$'()*~[]"


class _Connection:
    """A keep-alive connection to nginx, sending a viewer's cookies and nothing else."""

    def __init__(self, base_url: str, cookies: Mapping[str, str]) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def get(self, path: str) -> Fetched:
        for attempt in (1, 2):
            try:
                # As a browser sends it: a space in an author's name, say, as %20.
                self.connection.request("GET", quote(path, safe=_URL_SAFE), headers=self.headers)
                raw = self.connection.getresponse()
                body = raw.read().decode("utf-8", "replace")
                return Fetched(raw.status, list(raw.getheaders()), body)
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def crawl_site(base_url: str, survey_path: Path) -> list[ViewerReport]:
    """Crawl the site through nginx as each viewer of the survey, every address twice in a row
    (so the second answer is nginx's cached copy wherever it keeps one), and check both answers."""
    data = json.loads(survey_path.read_text())
    return [crawl_as(base_url, name, viewer, data["start"]) for name, viewer in data["viewers"].items()]


def crawl_as(
    base_url: str, name: str, viewer: Mapping[str, Any], start: Iterable[str], *, follow: bool = True
) -> ViewerReport:
    """One viewer's crawl (a viewer of the survey: its cookies, what it may read and not)."""
    report = ViewerReport(name)
    hidden = Hidden.of(viewer["hidden"], viewer["readable"])
    connection = _Connection(base_url, viewer["cookies"])
    again: Responses = {}

    def fetch(url: str) -> Fetched:
        first = connection.get(url)
        second = connection.get(url)
        again[url] = (second.status, second.text)
        for answer in (first, second):
            report.fetches += 1
            report.cache[answer.header("X-Cache-Status") or "none"] += 1
            if answer.status >= 500:
                report.server_errors.append(f"{url} ({answer.status})")
            elif answer.status == 429:
                report.limited.append(url)
        return first

    began = time.monotonic()
    responses = crawl(fetch, start, hosts=[urlsplit(base_url).netloc], follow=follow)
    report.seconds = time.monotonic() - began
    report.pages = len(responses)
    report.hidden = len(hidden.pieces)
    report.leaks = leaks_in(responses, hidden.pieces, hidden.found_in)
    cached = leaks_in(again, hidden.pieces, hidden.found_in)
    report.leaks |= {f"{url} (second answer)": found for url, found in cached.items()}
    for essay in viewer["essays"] if follow else []:
        status, text = responses.get(essay["url"], (0, ""))
        opening = sorted(runs(essay["opening"]))[:1]
        if status != 200 or not set(opening) <= page_runs(text):
            report.missing.append(f"{essay['url']} ({status})")
    return report
