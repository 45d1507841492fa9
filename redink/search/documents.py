"""What the search index holds for one essay, split into free and hidden text.

The free part is exactly what `essay_text_for` gives a visitor; the hidden part is the
rest. Both are searchable, but snippets for a viewer without full access are cut from the
free part alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay


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
    reading_count: int
    # The words this essay can rank highest for: its title's words and the common words it
    # ranks highly for (impact.py). Indexed with zero weight, it only selects candidates.
    top: str = ""

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
    free_mask = [False] * len(body_words)
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
        for i in range(start, start + len(words)):
            free_mask[i] = True
        position = start + len(words)
    free = " ".join(w for w, shown in zip(body_words, free_mask, strict=True) if shown)
    hidden = " ".join(w for w, shown in zip(body_words, free_mask, strict=True) if not shown)
    return free, hidden


def _find_run(haystack: list[str], needle: list[str], start: int) -> int | None:
    first, size = needle[0], len(needle)
    last_word = needle[-1]
    for i in range(start, len(haystack) - size + 1):
        if (
            haystack[i] == first
            and haystack[i + size - 1].startswith(last_word)
            and haystack[i : i + size - 1] == needle[:-1]
        ):
            return i
    return None


def document_for(essay: Essay, *, impact: tuple[dict[str, float], float] | None = None) -> SearchDocument:
    from .impact import load_thresholds, top_words
    from .query import words_of

    visible = essay_text_for(essay=essay, viewer=None)
    free, hidden = split_free_hidden(essay.body.split(), visible.blocks)
    thresholds, average_length = impact if impact is not None else load_thresholds()
    top = top_words(f"{essay.title} {essay.body}", thresholds=thresholds, average_length=average_length)
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
        reading_count=essay.reading_count,
        top=" ".join(sorted(set(top) | set(words_of(essay.title)))),
    )
