"""High-impact words: a small extra index that keeps ranking bounded for very common words.

A word found in most essays would make bm25 score every match. For each common word the
index build keeps a threshold: the bm25 term-frequency score above which an essay is among
roughly the top `TOP_PER_WORD` essays for that word. Each essay lists, in a zero-weight
`top` field, the common words it scores above the threshold for. A bounded query then
ranks the matches that are "top" for one of its words — the essays that can rank highest —
instead of an arbitrary window of matches.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from .models import ImpactThreshold
from .query import words_of

K1, B = 1.2, 0.75
TOP_PER_WORD = 1500
# Words in fewer than this share of essays are ranked exactly anyway.
COMMON_SHARE = 0.01


def term_scores(text: str, *, average_length: float, among: Mapping[str, float] | None = None) -> dict[str, float]:
    """bm25's term-frequency part for every word of one essay (or only its words in `among`:
    indexing asks about the common words of every essay)."""
    counts = Counter(words_of(text))
    length = sum(counts.values()) or 1
    norm = K1 * (1 - B + B * length / max(average_length, 1.0))
    return {word: tf * (K1 + 1) / (tf + norm) for word, tf in counts.items() if among is None or word in among}


def compute_thresholds(sample: Iterable[str], *, library_size: int) -> tuple[dict[str, float], float]:
    """Per common word, the score an essay needs to be in its top TOP_PER_WORD."""
    texts = list(sample)
    if not texts:
        return {}, 0.0
    average_length = sum(len(words_of(t)) for t in texts) / len(texts)
    scores: dict[str, list[float]] = defaultdict(list)
    for text in texts:
        for word, score in term_scores(text, average_length=average_length).items():
            scores[word].append(score)
    thresholds = {}
    for word, values in scores.items():
        share = len(values) / len(texts)
        if share < COMMON_SHARE:
            continue
        expected_matches = share * library_size
        keep = min(1.0, TOP_PER_WORD / expected_matches)
        values.sort(reverse=True)
        cut = max(0, min(len(values) - 1, math.ceil(keep * len(values)) - 1))
        thresholds[word] = values[cut]
    return thresholds, average_length


def store_thresholds(thresholds: dict[str, float], *, average_length: float) -> None:
    ImpactThreshold.objects.all().delete()
    rows = [ImpactThreshold(word=w, score=s) for w, s in thresholds.items()]
    rows.append(ImpactThreshold(word=ImpactThreshold.AVERAGE_LENGTH, score=average_length))
    ImpactThreshold.objects.bulk_create(rows, batch_size=2000)


def load_thresholds() -> tuple[dict[str, float], float]:
    values = dict(ImpactThreshold.objects.values_list("word", "score"))
    average_length = values.pop(ImpactThreshold.AVERAGE_LENGTH, 0.0)
    return values, average_length


def top_words(text: str, *, thresholds: dict[str, float], average_length: float) -> list[str]:
    """The common words this essay scores at or above their threshold for."""
    if not thresholds:
        return []
    scores = term_scores(text, average_length=average_length, among=thresholds)
    return sorted(word for word, score in scores.items() if score >= thresholds[word])
