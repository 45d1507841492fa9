"""Which essays make an essay's related list, and in what order (pure functions).

Candidates come in tiers: the same section, then the same subject, then the same level.
Within a tier the most similar come first. A candidate below MIN_SIMILARITY shares too
little distinctive vocabulary to count as related, whatever its tier: a list may be
shorter than RELATED_LIMIT rather than show an essay about something else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

RELATED_LIMIT = 8
MIN_SIMILARITY = 0.05

SECTION, SUBJECT, LEVEL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Choice:
    related_id: int
    tier: int
    score: float

    @property
    def key(self) -> tuple[int, float, int]:
        return (self.tier, -self.score, self.related_id)


def tier_between(*, section_a: int, subject_a: int, section_b: int, subject_b: int) -> int:
    if section_a == section_b:
        return SECTION
    return SUBJECT if subject_a == subject_b else LEVEL


def best_in_tier(*, tier: int, scores: np.ndarray, essay_ids: np.ndarray, limit: int) -> list[Choice]:
    """The `limit` most similar candidates of one tier that are similar enough (ties to the lower id)."""
    if limit <= 0 or not len(scores):
        return []
    keep = scores >= MIN_SIMILARITY
    scores, essay_ids = scores[keep], essay_ids[keep]
    order = np.lexsort((essay_ids, -scores))[:limit]
    return [Choice(related_id=int(essay_ids[i]), tier=tier, score=float(scores[i])) for i in order]


def merged(current: Iterable[Choice], newcomer: Choice, *, limit: int = RELATED_LIMIT) -> list[Choice]:
    """A list with one more candidate considered (one it does not already hold)."""
    pool = [*current, newcomer] if newcomer.score >= MIN_SIMILARITY else list(current)
    return sorted(pool, key=lambda c: c.key)[:limit]
