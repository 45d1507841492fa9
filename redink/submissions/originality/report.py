""" "Check my essay": which passages of a draft overlap which published essays, and how much.

The report holds only the draft's own words and the titles and addresses of published essays,
which anyone may see: never a word of the matched essays' text.
"""

from __future__ import annotations

from dataclasses import dataclass

from redink.catalogue.models import Essay

from .matching import find_matches
from .shingles import shingle


@dataclass(frozen=True)
class EssayOverlap:
    title: str
    url: str
    words: int  # words of the draft that overlap this essay
    percent: int


@dataclass(frozen=True)
class DraftPassage:
    text: str  # the draft's own words
    words: int
    essays: tuple[EssayOverlap, ...]


@dataclass(frozen=True)
class DraftReport:
    words: int
    overlapping_words: int
    passages: tuple[DraftPassage, ...]
    essays: tuple[EssayOverlap, ...]

    @property
    def percent(self) -> int:
        if not self.overlapping_words:
            return 0
        return max(1, round(100 * self.overlapping_words / self.words))


def draft_report(*, text: str) -> DraftReport:
    shingled = shingle(text)
    total = shingled.word_count
    matches = find_matches(shingled=shingled, published_only=True)
    essays: list[EssayOverlap] = []
    # For every word of the draft, the essays it overlaps (by index into `essays`).
    owners: list[set[int]] = [set() for _ in range(total)]
    for match in matches:
        essay: Essay | None = match.essay
        if essay is None or not match.overlap.passages:
            continue
        index = len(essays)
        words = match.overlap.shared_words
        essays.append(
            EssayOverlap(
                title=essay.title,
                url=essay.get_absolute_url(),
                words=words,
                percent=max(1, round(100 * words / total)) if total else 0,
            )
        )
        for passage in match.overlap.passages:
            for position in range(passage.start, passage.end):
                owners[position].add(index)

    passages: list[DraftPassage] = []
    start = 0
    while start < total:
        if not owners[start]:
            start += 1
            continue
        end = start
        while end < total and owners[end]:
            end += 1
        involved = sorted(set().union(*owners[start:end]))
        low, high = shingled.char_span(start, end)
        passages.append(DraftPassage(text=text[low:high], words=end - start, essays=tuple(essays[i] for i in involved)))
        start = end
    return DraftReport(
        words=total,
        overlapping_words=sum(1 for owner in owners if owner),
        passages=tuple(passages),
        essays=tuple(sorted(essays, key=lambda e: -e.words)),
    )
