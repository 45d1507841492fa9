"""The benchmark query log: fixed shares of rare, common, very common, multi-word, phrase,
typo and filtered queries, drawn from a generated corpus and committed to the repository."""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet

from redink.catalogue.models import Essay
from redink.search.query import STOP_WORDS, words_of

LOG_PATH = Path(__file__).resolve().parent / "queries.tsv"
SHARES = {"rare": 40, "common": 40, "very_common": 30, "multi_word": 40, "phrase": 30, "typo": 30, "filtered": 30}


@dataclass(frozen=True)
class LoggedQuery:
    kind: str
    q: str
    level: str = ""

    @property
    def params(self) -> dict[str, str]:
        return {"q": self.q, **({"level": self.level} if self.level else {})}


def load_log(path: Path = LOG_PATH) -> list[LoggedQuery]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            LoggedQuery(row["kind"], row["q"], row.get("level", "")) for row in csv.DictReader(handle, delimiter="\t")
        ]


def write_log(queries: list[LoggedQuery], path: Path = LOG_PATH) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["kind", "q", "level"])
        for query in queries:
            writer.writerow([query.kind, query.q, query.level])


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["insert", "delete", "swap", "replace"])
    if kind == "insert":
        return word[:i] + rng.choice("aeiourstln") + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice([c for c in "aeiourstln" if c != word[i]]) + word[i + 1 :]


def build_log(*, essays: QuerySet[Essay], seed: int = 1) -> list[LoggedQuery]:
    """Derive a query log from the essays given (the first 2,000 of a generated corpus)."""
    rng = random.Random(seed)
    docs = list(essays.values_list("title", "body", "level__slug"))
    df: Counter[str] = Counter()
    for _, body, _ in docs:
        df.update({w for w in words_of(body) if w.isalpha() and w not in STOP_WORDS})
    n = len(docs)
    by_share = sorted(df, key=lambda w: (-df[w], w))
    very_common = [w for w in by_share if df[w] > n * 0.5]
    common = [w for w in by_share if n * 0.02 <= df[w] <= n * 0.2]
    rare = [w for w in by_share if 2 <= df[w] <= max(3, n // 500)]
    queries: list[LoggedQuery] = []
    queries += [LoggedQuery("rare", w) for w in rng.sample(rare, SHARES["rare"])]
    queries += [LoggedQuery("common", w) for w in rng.sample(common, SHARES["common"])]
    queries += [
        LoggedQuery("very_common", w) for w in rng.sample(very_common, min(SHARES["very_common"], len(very_common)))
    ]
    queries += [
        LoggedQuery("multi_word", " ".join(rng.sample(common, rng.choice([2, 3])))) for _ in range(SHARES["multi_word"])
    ]
    for _ in range(SHARES["phrase"]):
        _, body, _ = rng.choice(docs)
        words = [w for w in words_of(body) if w.isalpha()]
        start = rng.randrange(0, len(words) - 3)
        queries.append(LoggedQuery("phrase", '"' + " ".join(words[start : start + rng.choice([2, 3])]) + '"'))
    for _ in range(SHARES["typo"]):
        title, _, _ = rng.choice(docs)
        words = [w for w in words_of(title) if len(w) >= 6 and w.isalpha()] or [max(words_of(title), key=len)]
        target = rng.choice(words)
        queries.append(LoggedQuery("typo", " ".join(_typo(w, rng) if w == target else w for w in words_of(title))))
    levels = sorted({level for _, _, level in docs})
    queries += [LoggedQuery("filtered", rng.choice(common), rng.choice(levels)) for _ in range(SHARES["filtered"])]
    return queries
