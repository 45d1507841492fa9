"""'Did you mean …?': corrections drawn from the vocabulary of titles and free text only."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from .backends.base import SearchBackend
from .query import ParsedQuery

# The most edits between a word and its correction (allowed_edits: long words only).
MAX_EDITS = 2


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps),
    counted no further than one past the most edits a correction may take: 3 stands for any more."""
    return int(OSA.distance(a, b, score_cutoff=MAX_EDITS))


def allowed_edits(word: str) -> int:
    return 1 if len(word) <= 5 else MAX_EDITS


def corrections_for(query: ParsedQuery, backend: SearchBackend) -> dict[str, str]:
    """Replacements for the words the index has never seen, where a close word exists."""
    candidates = {w for w in query.words if len(w) >= 4 and w.isalpha()}
    if not candidates:
        return {}
    unknown = candidates - backend.known_words(candidates)
    corrections: dict[str, str] = {}
    for word in sorted(unknown):
        scored = []
        for candidate, df in backend.similar_words(word):
            distance = edit_distance(word, candidate)
            if 0 < distance <= allowed_edits(word):
                scored.append((distance, -df, candidate))
        if scored:
            corrections[word] = min(scored)[2]
    return corrections
