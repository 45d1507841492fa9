"""What the search index holds for one essay, split into free and hidden text.

The free part is exactly what `essay_text_for` gives a visitor; the hidden part is the
rest. Both are searchable, but snippets for a viewer without full access are cut from the
free part alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay

if TYPE_CHECKING:
    from .impact import Impact


@dataclass(frozen=True)
class SearchDocument:
    essay_id: int
    title: str
    free: str
    hidden: str
    level_id: int
    subject_id: int
    section_id: int
    is_teacher_marked: bool
    published_at: datetime | None
    # The words this essay can rank highest for: its title's words and the common words it
    # ranks highly for (impact.py). Indexed with zero weight, it only selects candidates.
    top: str = ""
    # The narrower tier: its title's words and the common words it is among the best for.
    best: str = ""
    # A backend's own form of the document, made ahead by the process that made the document
    # (PostgreSQL's tsvector literals: backends/tsvector.py), or None to make it when indexed.
    prepared: tuple[str, ...] | None = None
    # The words of the title, free and hidden text (`words_of`), as found while making the
    # document, for its preparation; not kept past it.
    words: tuple[tuple[str, ...], ...] | None = field(default=None, compare=False, repr=False)
    # Its spelling words (title and free text: `spelling_words`), where made ahead.
    spelling: frozenset[str] | None = field(default=None, compare=False, repr=False)

    @property
    def facets(self) -> str:
        """Filter tokens, indexed so filters join the full-text match itself."""
        marked = " marked" if self.is_teacher_marked else ""
        return f"lvl{self.level_id} sub{self.subject_id} sec{self.section_id}{marked}"


def split_free_hidden(body_words: list[str], shown_blocks: tuple[str, ...]) -> tuple[str, str]:
    """Split an essay's words into those a visitor sees and the rest.

    Each shown block is a run of consecutive words of the essay (a lead paragraph prefix
    or an extract), found in order; a clipped sentence ends in "…", which is dropped.
    """
    runs: list[tuple[int, int]] = []  # [start, end) of each block found, in order, apart
    position = 0
    for block in shown_blocks:
        words = block.split()
        if words and words[-1].endswith("…"):
            words[-1] = words[-1][:-1]
            if not words[-1]:
                words.pop()
        if not words:
            continue
        start = _find_run(body_words, words, position)
        if start is None:
            continue
        position = start + len(words)
        runs.append((start, position))
    free = " ".join(chain.from_iterable(body_words[start:end] for start, end in runs))
    gaps = zip([0, *(end for _, end in runs)], [*(start for start, _ in runs), len(body_words)], strict=True)
    hidden = " ".join(chain.from_iterable(body_words[start:end] for start, end in gaps))
    return free, hidden


def _find_run(haystack: list[str], needle: list[str], start: int) -> int | None:
    """Where `needle` first occurs in `haystack` from `start` (its last word may be cut short)."""
    first, size = needle[0], len(needle)
    last_word, middle = needle[-1], needle[:-1]
    stop = len(haystack) - size + 1
    i = start
    while i < stop:
        try:
            i = haystack.index(first, i, stop)  # the scan for the first word runs in C
        except ValueError:
            return None
        if haystack[i + size - 1].startswith(last_word) and haystack[i : i + size - 1] == middle:
            return i
        i += 1
    return None


def document_for(essay: Essay, *, impact: Impact | None = None) -> SearchDocument:
    from .impact import impact_words, load_thresholds
    from .query import words_of

    visible = essay_text_for(essay=essay, viewer=None)
    free, hidden = split_free_hidden(essay.body.split(), visible.blocks)
    words = (words_of(essay.title), words_of(free), words_of(hidden))
    # The free and hidden words are the body's words, split once for both uses.
    top, best = impact_words(sum(words, ()), impact if impact is not None else load_thresholds())
    title_words = set(words[0])
    return SearchDocument(
        essay_id=essay.pk,
        title=essay.title,
        free=free,
        hidden=hidden,
        level_id=essay.level_id,
        subject_id=essay.subject_id,
        section_id=essay.section_id,
        is_teacher_marked=essay.is_teacher_marked,
        published_at=essay.published_at,
        top=" ".join(sorted(set(top) | title_words)),
        best=" ".join(sorted(set(best) | title_words)),
        words=words,
    )
