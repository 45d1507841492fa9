"""Which stored texts a text overlaps, by how much, and the verdict: copy, partial copy or neither."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings

from redink.catalogue.models import Essay

from ..models import Submission
from .compare import Overlap, compare
from .index import candidates
from .shingles import Shingled, shingle

# Candidates compared exactly, at most (those sharing the most LSH bands first).
MAX_CANDIDATES = 20
# A match below this containment either way, with no shared passage, is not worth reporting.
REPORT_CONTAINMENT = 0.05


@dataclass(frozen=True)
class Thresholds:
    copy_jaccard: float
    partial_containment: float
    partial_passage_words: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            copy_jaccard=settings.REDINK_COPY_JACCARD,
            partial_containment=settings.REDINK_PARTIAL_COPY_CONTAINMENT,
            partial_passage_words=settings.REDINK_PARTIAL_COPY_PASSAGE_WORDS,
        )

    def is_copy(self, overlap: Overlap) -> bool:
        return overlap.jaccard >= self.copy_jaccard

    def is_partial(self, overlap: Overlap) -> bool:
        return not self.is_copy(overlap) and (
            overlap.containment_max >= self.partial_containment or overlap.longest_passage >= self.partial_passage_words
        )


@dataclass(frozen=True)
class Match:
    """One stored text that overlaps the checked one: a published essay or a submission in review."""

    essay: Essay | None
    submission: Submission | None
    other: Shingled
    overlap: Overlap
    is_copy: bool
    is_partial: bool

    @property
    def title(self) -> str:
        owner = self.essay or self.submission
        return owner.title if owner is not None else ""


def find_matches(
    *,
    shingled: Shingled,
    published_only: bool = False,
    exclude_essays: Collection[int] = (),
    exclude_submissions: Collection[int] = (),
    thresholds: Thresholds | None = None,
    stored_after: int | None = None,
    stored_through: int | None = None,
) -> list[Match]:
    """Every stored text this one overlaps, copies first, then by similarity (among the texts
    whose signatures lie in the range given, when one is)."""
    thresholds = thresholds or Thresholds.from_settings()
    found = candidates(
        shingled=shingled,
        limit=MAX_CANDIDATES + len(exclude_essays) + len(exclude_submissions),
        published_only=published_only,
        stored_after=stored_after,
        stored_through=stored_through,
    )
    essay_ids = [c.essay_id for c in found if c.essay_id is not None and c.essay_id not in exclude_essays]
    submission_ids = [
        c.submission_id for c in found if c.submission_id is not None and c.submission_id not in exclude_submissions
    ]
    others: list[tuple[Essay | None, Submission | None, str]] = []
    if essay_ids:
        essays = Essay.objects.published_among(essay_ids).only("pk", "title", "slug", "body", "status")
        others += [(essay, None, essay.body) for essay in essays]
    if submission_ids and not published_only:
        queued = Submission.objects.in_review().filter(pk__in=submission_ids).only("pk", "title", "extracted_text")
        others += [(None, submission, submission.extracted_text) for submission in queued]

    matches = []
    for essay, submission, text in others:
        other = shingle(text)
        overlap = compare(shingled, other)
        if not overlap.passages and overlap.containment_max < REPORT_CONTAINMENT:
            continue
        matches.append(
            Match(
                essay=essay,
                submission=submission,
                other=other,
                overlap=overlap,
                is_copy=thresholds.is_copy(overlap),
                is_partial=thresholds.is_partial(overlap),
            )
        )
    matches.sort(key=lambda m: (m.is_copy, m.is_partial, m.overlap.jaccard, m.overlap.containment_max), reverse=True)
    return matches
