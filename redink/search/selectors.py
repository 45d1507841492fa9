"""Reads for the search page and the title suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from redink.access.visibility import reads_everything
from redink.catalogue.models import Essay, Level, Section, Subject
from redink.ops.metrics import timed_search

from .backends import get_backend
from .backends.base import MARK_END, MARK_START, SORT_ALIASES, SORTS, SearchRequest, TitleSuggestion
from .cards import LevelName, ListedEssay, SubjectName, facet_names, listed_essays
from .query import ParsedQuery, parse_query
from .scope import Scope, scope_of
from .spelling import corrections_for

PER_PAGE = 20
MAX_PAGE = 50


@dataclass(frozen=True)
class Result:
    essay: ListedEssay  # what the card shows, no text (`cards.py`)
    snippet: SafeString
    matched_hidden_only: bool


@dataclass
class Filters:
    level: Level | None = None
    subject: Subject | None = None
    section: Section | None = None
    teacher_marked: bool = False

    def as_query(self) -> dict[str, str]:
        params = {}
        if self.level:
            params["level"] = self.level.slug
        if self.subject:
            params["subject"] = self.subject.slug
        if self.section:
            params["section"] = self.section.slug
        if self.teacher_marked:
            params["marked"] = "1"
        return params


@dataclass
class SearchResults:
    raw: str
    parsed: ParsedQuery
    filters: Filters
    sort: str
    page: int
    results: list[Result] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False
    level_facets: list[tuple[LevelName, int]] = field(default_factory=list)
    subject_facets: list[tuple[SubjectName, int]] = field(default_factory=list)
    corrected: ParsedQuery | None = None  # when the results are for a corrected query
    did_you_mean: str = ""
    message: str = ""
    # A reader without full access typed a phrase, which is matched as a set of words for them.
    phrases_as_words: bool = False
    # The search named a level (and subject), now its filters (`scope.py`); or named only
    # those, and this is the address of their page.
    scope_named: bool = False
    scope_page: str = ""
    scope_rest: str = ""  # the search without the names, when it named a level
    scope_empty: Level | Subject | None = None  # named, but it held no match: searched everywhere

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PER_PAGE)))


def highlight(*, snippet: str) -> SafeString:
    """Escape a backend snippet, then turn its match markers into <mark> elements."""
    return mark_safe(escape(snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def resolve_filters(*, params: dict[str, Any]) -> Filters:
    filters = Filters(teacher_marked=params.get("marked") in {"1", "on", "true"})
    if slug := params.get("level"):
        filters.level = Level.objects.filter(slug=slug).first()
    if filters.level and (slug := params.get("subject")):
        filters.subject = Subject.objects.filter(level=filters.level, slug=slug).first()
    if filters.subject and (slug := params.get("section")):
        filters.section = Section.objects.filter(subject=filters.subject, slug=slug).first()
    return filters


def _page_number(value: Any) -> int:
    try:
        return min(MAX_PAGE, max(1, int(str(value))))
    except (TypeError, ValueError):
        return 1


def search_essays(*, raw: str, params: dict[str, Any], viewer: Any) -> SearchResults:
    parsed = parse_query(raw)
    asked = SORT_ALIASES.get(str(params.get("sort")), params.get("sort"))
    sort = asked if asked in SORTS else "relevance"
    results = SearchResults(
        raw=raw,
        parsed=parsed,
        filters=resolve_filters(params=params),
        sort=str(sort),
        page=_page_number(params.get("page")),
    )
    if not parsed.is_empty and params.get("as_typed") != "1":
        _apply_scope(results, scope_of(raw))
        parsed = results.parsed
        if results.scope_page:
            return results
    if parsed.is_empty:
        results.message = _empty_message(parsed)
        return results
    backend = get_backend()
    full_access = reads_everything(viewer)
    results.phrases_as_words = not full_access and parsed.has_phrases

    @timed_search  # the search latency metric (redink.ops.metrics)
    def run(query: ParsedQuery) -> Any:
        return backend.search(
            SearchRequest(
                query=query,
                level_id=results.filters.level.pk if results.filters.level else None,
                subject_id=results.filters.subject.pk if results.filters.subject else None,
                section_id=results.filters.section.pk if results.filters.section else None,
                teacher_marked=results.filters.teacher_marked,
                sort=results.sort,
                page=results.page,
                per_page=PER_PAGE,
                full_access=full_access,
            )
        )

    page = run(parsed)
    if page.total == 0 and results.scope_named:
        # Nothing at the level named: the same words at every level, and the page says so.
        results.scope_empty = results.filters.subject or results.filters.level
        results.filters.level = results.filters.subject = None
        results.scope_named = False
        page = run(parsed)
    corrections = corrections_for(parsed, backend)
    if corrections:
        corrected = parsed.replace_words(corrections)
        results.did_you_mean = corrected.display()
        if page.total == 0:
            page = run(corrected)
            results.corrected = corrected
    _fill(results, page)
    return results


def _apply_scope(results: SearchResults, scope: Scope) -> None:
    """A level (and subject) named in the search are its filters, unless the reader has chosen a
    level since (a facet), which wins. Named alone, with nothing else to search for and no other
    filter, they are the level's or subject's own page."""
    if not scope.found:
        return
    rest = parse_query(scope.rest)
    chosen = results.filters.level is not None
    if rest.is_empty:
        if rest.excluded or results.filters.teacher_marked or chosen:
            return  # searched as typed: a page of the section cannot leave words out
        results.scope_page = (scope.subject or scope.level).get_absolute_url()  # type: ignore[union-attr]
        return
    results.parsed = rest
    results.scope_rest = scope.rest
    if not chosen:
        results.filters.level, results.filters.subject = scope.level, scope.subject
        results.scope_named = True


def _empty_message(parsed: ParsedQuery) -> str:
    if parsed.dropped_stop_words:
        return "Those words are too common to search for on their own. Add a word or two from your essay title."
    if parsed.excluded:
        return "Tell us what to look for as well as what to leave out, e.g. cold war -cuba."
    if parsed.raw.strip():
        return "We couldn't find any words to search for in that. Try a few words from your essay title."
    return "Type a few words of your essay title or topic."


def _fill(results: SearchResults, page: Any) -> None:
    essays = listed_essays(ids=[hit.essay_id for hit in page.hits])
    results.results = [
        Result(
            essay=essays[hit.essay_id],
            snippet=highlight(snippet=hit.snippet),
            matched_hidden_only=hit.matched_hidden_only,
        )
        for hit in page.hits
        if hit.essay_id in essays and essays[hit.essay_id].status == Essay.Status.PUBLISHED
    ]
    results.total, results.total_capped = page.total, page.total_capped
    levels, subjects = facet_names(
        level_ids=[f.id for f in page.level_facets], subject_ids=[f.id for f in page.subject_facets]
    )
    results.level_facets = [(levels[f.id], f.count) for f in page.level_facets if f.id in levels]
    results.subject_facets = [(subjects[f.id], f.count) for f in page.subject_facets if f.id in subjects][:12]


def title_suggestions(*, text: str, limit: int = 8) -> list[TitleSuggestion]:
    text = text[:120]
    if len(text.strip()) < 2:
        return []
    return get_backend().suggest_titles(text, limit=limit)
