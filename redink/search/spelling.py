"""'Did you mean …?': corrections drawn from the vocabulary of titles and free text only."""

from __future__ import annotations

from .backends.base import SearchBackend
from .query import ParsedQuery


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


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
