from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from redink.corpus.plan import CorpusPlan, build_plan
from redink.corpus.text import Draft, write_essay

WORD = re.compile(r"[a-z]+")


def words_of(text: str) -> list[str]:
    return WORD.findall(text.lower())


def loglog_slope(counts: Counter[str], *, top: int) -> float:
    """Least-squares slope of log(frequency) against log(rank) over the `top` most frequent words."""
    ranked = sorted(counts.values(), reverse=True)[:top]
    xs = [math.log(rank) for rank in range(1, len(ranked) + 1)]
    ys = [math.log(count) for count in ranked]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


@pytest.fixture(scope="session")
def corpus() -> CorpusPlan:
    return build_plan(seed=11, essays=200)


@pytest.fixture(scope="session")
def drafts(corpus: CorpusPlan) -> list[Draft]:
    return [write_essay(corpus=corpus, index=i) for i in range(len(corpus))]
