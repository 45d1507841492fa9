"""High-impact words: a small extra index that keeps ranking bounded for very common words.

A word found in most essays would make bm25 score every match. For each common word the
index build keeps a threshold: the bm25 term-frequency score above which an essay is among
roughly the top `TOP_PER_WORD` essays for that word. Each essay lists, in a zero-weight
`top` field, the common words it scores above the threshold for. A bounded query then
ranks the matches that are "top" for one of its words — the essays that can rank highest —
instead of an arbitrary window of matches.

A second, higher threshold keeps about `BEST_PER_WORD` essays per word: the `best` words. A
backend whose ranking pays for each candidate it reads (PostgreSQL fetches each document
from out-of-line storage) ranks those for a query over the whole library. The wider `top`
set serves filtered queries, whose best matches are spread over the levels.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .models import ImpactThreshold
from .query import words_of

K1, B = 1.2, 0.75
TOP_PER_WORD = 1500
# The best matches of a common word are among its top few hundred by this score (measured on
# a 160,000-essay library: the reference top 10 of a word found in half the essays lie within
# the first 260 of its `top` essays).
BEST_PER_WORD = 400
# Words in fewer than this share of essays are ranked exactly anyway.
COMMON_SHARE = 0.01


def term_scores(
    words: Sequence[str], *, average_length: float, among: Mapping[str, float] | None = None
) -> dict[str, float]:
    """bm25's term-frequency part for every word of one essay, given as its words (`words_of`),
    or only for its words in `among` (indexing asks about the common words of every essay)."""
    counts = Counter(words)
    norm = _length_norm(words, average_length)
    scored = counts.keys() if among is None else counts.keys() & among.keys()
    return {word: counts[word] * (K1 + 1) / (counts[word] + norm) for word in scored}


def _length_norm(words: Sequence[str], average_length: float) -> float:
    """bm25's length normalisation of one essay's term frequencies."""
    return K1 * (1 - B + B * (len(words) or 1) / max(average_length, 1.0))


@dataclass(frozen=True)
class Impact:
    """Per common word, the score an essay needs to be among its top (TOP_PER_WORD) and its
    best (BEST_PER_WORD) essays."""

    top: dict[str, float] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)
    average_length: float = 0.0


def _cut(values: list[float], keep: float) -> float:
    """The score at the `keep` share of these scores, highest first (sorted in place)."""
    values.sort(reverse=True)
    return values[max(0, min(len(values) - 1, math.ceil(keep * len(values)) - 1))]


def compute_thresholds(sample: Iterable[str], *, library_size: int) -> Impact:
    """Per common word, the score an essay needs to be in its top TOP_PER_WORD and its best
    BEST_PER_WORD, estimated from a sample of the library's texts."""
    texts = list(sample)
    if not texts:
        return Impact()
    essays = [words_of(t) for t in texts]
    average_length = sum(map(len, essays)) / len(essays)
    scores: dict[str, list[float]] = defaultdict(list)
    for words in essays:
        for word, score in term_scores(words, average_length=average_length).items():
            scores[word].append(score)
    top, best = {}, {}
    for word, values in scores.items():
        share = len(values) / len(texts)
        if share < COMMON_SHARE:
            continue
        expected_matches = share * library_size
        top[word] = _cut(values, min(1.0, TOP_PER_WORD / expected_matches))
        best[word] = _cut(values, min(1.0, BEST_PER_WORD / expected_matches))
    return Impact(top=top, best=best, average_length=average_length)


def store_thresholds(impact: Impact) -> None:
    ImpactThreshold.objects.all().delete()
    rows = [ImpactThreshold(word=w, score=s, best_score=impact.best[w]) for w, s in impact.top.items()]
    rows.append(ImpactThreshold(word=ImpactThreshold.AVERAGE_LENGTH, score=impact.average_length))
    ImpactThreshold.objects.bulk_create(rows, batch_size=2000)


def load_thresholds() -> Impact:
    top, best, average_length = {}, {}, 0.0
    for word, score, best_score in ImpactThreshold.objects.values_list("word", "score", "best_score"):
        if word == ImpactThreshold.AVERAGE_LENGTH:
            average_length = score
        else:
            top[word] = score
            # Thresholds stored before the best tier: the best tier is the top tier.
            best[word] = score if best_score is None else best_score
    return Impact(top=top, best=best, average_length=average_length)


def impact_words(words: Sequence[str], impact: Impact) -> tuple[list[str], list[str]]:
    """The common words this essay (its words, `words_of`) scores at or above their top
    threshold for, and those it scores at or above their best threshold for."""
    if not impact.top:
        return [], []
    # term_scores' formula, in one pass: a rebuild asks this of every essay, about 600 common
    # words each, and keeps only the words over their thresholds.
    counts = Counter(words)
    norm = _length_norm(words, impact.average_length)
    k1_plus_1, top_score, best_score = K1 + 1, impact.top, impact.best
    top = sorted(
        word
        for word in counts.keys() & top_score.keys()
        if counts[word] * k1_plus_1 / (counts[word] + norm) >= top_score[word]
    )
    return top, [word for word in top if counts[word] * k1_plus_1 / (counts[word] + norm) >= best_score[word]]
