from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from more_itertools import chunked

from redink.search.documents import SearchDocument
from redink.search.query import ParsedQuery

# Ranking is bounded: no query scores more than this many matches.
RANK_CANDIDATES = 3000
# Documents a transaction in a rebuild (where the backend has no rebuild of its own).
REBUILD_BATCH = 1000
# Counts above this are shown as "10,000+".
COUNT_CAP = 10_000
# Snippet highlight markers; replaced by <mark> after HTML-escaping the snippet.
MARK_START, MARK_END = "\x02", "\x03"

# "most-read" orders by reading count and "best-rated" by the lower bound of the teachers'
# stars (the essay's rating_score), as the listings' sorts of those names do.
SORTS = ("relevance", "newest", "most-read", "best-rated")
# Sort names of earlier addresses, still understood.
SORT_ALIASES = {"best": "best-rated"}


@dataclass(frozen=True)
class SearchRequest:
    """One search. For a reader without full access (`full_access` false) the query's phrases
    are taken as sets of words here, whoever builds the request: the hidden part of an essay
    may tell that it holds the words, never their order or which stand together, so a quoted
    guess at a hidden sentence cannot be confirmed. Backends rank such a search without word
    positions as well."""

    query: ParsedQuery
    level_id: int | None = None
    subject_id: int | None = None
    section_id: int | None = None
    teacher_marked: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    full_access: bool = False
    with_facets: bool = True

    def __post_init__(self) -> None:
        if not self.full_access:
            object.__setattr__(self, "query", self.query.without_word_order())


@dataclass(frozen=True)
class Hit:
    essay_id: int
    snippet: str  # text with MARK_START/MARK_END around matched words; "" when none may be shown
    matched_hidden_only: bool


@dataclass(frozen=True)
class FacetCount:
    id: int
    count: int


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    total_capped: bool
    level_facets: list[FacetCount] = field(default_factory=list)
    subject_facets: list[FacetCount] = field(default_factory=list)


@dataclass(frozen=True)
class TitleSuggestion:
    essay_id: int
    title: str


def spelling_words(words: Iterable[str]) -> set[str]:
    """Which of these words (`words_of`) the did-you-mean vocabulary keeps: three or more
    letters, no digits or underscores."""
    return {word for word in set(words) if len(word) >= 3 and word.isalpha()}


def vocabulary_counts(texts: Iterable[str]) -> Counter[str]:
    """In how many of these texts each spelling word occurs (for the did-you-mean vocabulary)."""
    from redink.search.query import words_of

    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(spelling_words(words_of(text)))
    return counts


def facet_lists(
    rows: Iterable[tuple[int, int, int]], *, level_id: int | None
) -> tuple[list[FacetCount], list[FacetCount]]:
    """Level and subject counts from (level, subject, count) rows; subjects only of the chosen level."""
    levels: Counter[int] = Counter()
    subjects: Counter[int] = Counter()
    for level, subject, count in rows:
        levels[level] += count
        if not level_id or level_id == level:
            subjects[subject] += count
    return [FacetCount(k, v) for k, v in levels.most_common()], [FacetCount(k, v) for k, v in subjects.most_common()]


class SearchBackend(ABC):
    vendor: str

    def prepare(self, documents: list[SearchDocument]) -> list[SearchDocument]:
        """These documents with the backend's own form of them made ahead, where it has one,
        and without the words kept for it. A rebuild calls this in its worker processes, so that
        work is spread over them."""
        return [replace(d, words=None) for d in documents]

    @abstractmethod
    def index(self, documents: Iterable[SearchDocument], *, update_vocabulary: bool = True) -> None:
        """Add or replace these essays' rows (and their words in the spelling vocabulary)."""

    @abstractmethod
    def remove(self, essay_ids: Iterable[int]) -> None: ...

    @abstractmethod
    def clear(self) -> None: ...

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchPage: ...

    @abstractmethod
    def title_prefix_search(self, words: list[str], *, limit: int) -> list[TitleSuggestion]:
        """Titles holding every word, the last one as a prefix."""

    @abstractmethod
    def vocabulary_has(self, word: str, *, prefix: bool = False) -> bool:
        """Whether the spelling vocabulary (titles and free text) holds the word (or a word starting with it)."""

    def suggest_titles(self, text: str, *, limit: int = 8) -> list[TitleSuggestion]:
        """Titles for what has been typed so far, forgiving one or two typos per word."""
        from redink.search.query import words_of
        from redink.search.spelling import allowed_edits, edit_distance

        words = list(words_of(text))[:8]
        if not words:
            return []
        found = self.title_prefix_search(words, limit=limit)
        if len(found) >= limit:
            return found
        corrected = list(words)
        for i, word in enumerate(words):
            last = i == len(words) - 1
            if len(word) < 4 or self.vocabulary_has(word, prefix=last):
                continue
            scored = [
                (edit_distance(word, candidate), -df, candidate)
                for candidate, df in self.similar_words(word)
                if edit_distance(word, candidate) <= allowed_edits(word)
            ]
            if scored:
                corrected[i] = min(scored)[2]
        if corrected != words:
            seen = {s.essay_id for s in found}
            found += [s for s in self.title_prefix_search(corrected, limit=limit) if s.essay_id not in seen]
        return found[:limit]

    @abstractmethod
    def known_words(self, words: Iterable[str]) -> set[str]:
        """Which of these words occur anywhere in the index (title, free or hidden text)."""

    @abstractmethod
    def similar_words(self, word: str, *, limit: int = 30) -> list[tuple[str, int]]:
        """Words of titles and free text that look like `word`, with document counts."""

    @abstractmethod
    def refresh_vocabulary(self) -> None:
        """Rebuild the spelling vocabulary (titles and free text) from the index."""

    def check(self) -> list[str]:
        """Problems with the database that stop this backend working (for the system check)."""
        return []

    @abstractmethod
    def optimise(self) -> None:
        """Tidy the index after a rebuild (merge segments, refresh planner statistics)."""

    def rebuild(self, documents: Iterable[SearchDocument], *, progress: Callable[[int], None] | None = None) -> int:
        """Empty the index, add every document in batches, then rebuild the vocabulary once."""
        self.clear()
        count = 0
        for batch in chunked(documents, REBUILD_BATCH):
            self.index(batch, update_vocabulary=False)
            count += len(batch)
            if progress:
                progress(count)
        self.refresh_vocabulary()
        self.optimise()
        return count
