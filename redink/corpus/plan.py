"""The plan of a corpus: its vocabulary, topics, sections, and what each essay will be.

Everything is derived from the seed (and the sizes asked for) with `random.Random`, so the
same arguments always give the same corpus. Each essay's text later draws from its own
generator seeded by (seed, index), so any essay can be regenerated alone, as a copy's
source is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .topics import SectionLayout, Topic, build_taxonomy, build_topics, default_topic_count, topic_sections
from .vocabulary import DEFAULT_SIZE, Vocabulary, build_vocabulary

ORIGINAL = ""
EXACT = "exact"
EDITED = "edited"
FIRST_HALF = "first_half"
EXTRACTS = "extracts"
INTERLEAVED = "interleaved"
COPY_KINDS: tuple[str, ...] = (EXACT, EDITED, FIRST_HALF, EXTRACTS, INTERLEAVED)

DEFAULT_COPY_RATE = 0.025
GUARANTEED_KINDS_FROM = 100
DEFAULT_WORDS = (1000, 2000)
# Essays are published over four recent years, in index order (a copy comes after its source).
PUBLISHED_FROM = datetime(2021, 9, 1, tzinfo=UTC)
PUBLISHED_SPAN = timedelta(days=4 * 365)
READINGS_SCALE = 40
READINGS_ALPHA = 1.2


@dataclass(frozen=True, slots=True)
class EssayPlan:
    index: int
    topic: int
    section: int
    copy_kind: str = ORIGINAL
    copy_of: int | None = None
    copy_of_second: int | None = None


@dataclass(frozen=True)
class CorpusPlan:
    seed: int
    min_words: int
    max_words: int
    vocabulary: Vocabulary
    topics: list[Topic]
    sections: list[SectionLayout]
    essays: list[EssayPlan]

    def __len__(self) -> int:
        return len(self.essays)

    def essay_rng(self, index: int) -> random.Random:
        # A string seed is hashed with SHA-512 by `random`, independent of PYTHONHASHSEED.
        return random.Random(f"redink-corpus:{self.seed}:essay:{index}")

    def publication(self, index: int) -> tuple[datetime, int]:
        """When the essay was published (in index order, over four years) and how often it was read."""
        rng = random.Random(f"redink-corpus:{self.seed}:published:{index}")
        fraction = (index + rng.random()) / len(self.essays)
        published_at = (PUBLISHED_FROM + PUBLISHED_SPAN * fraction).replace(microsecond=0)
        # Readings are heavy-tailed: most essays are read a little, a few very often.
        return published_at, int(READINGS_SCALE * (rng.paretovariate(READINGS_ALPHA) - 1))


def _copy_plan(*, rng: random.Random, essays: int, copy_rate: float) -> dict[int, str]:
    """Which indexes are copies, and of what kind; from 100 essays up, every kind at least once."""
    first = max(2, essays // 50)  # copies need originals before them
    count = round(essays * copy_rate)
    if copy_rate > 0 and essays >= GUARANTEED_KINDS_FROM:
        count = max(count, len(COPY_KINDS))
    count = min(count, essays - first)
    if count <= 0:
        return {}
    indexes = sorted(rng.sample(range(first, essays), count))
    kinds = [COPY_KINDS[i % len(COPY_KINDS)] for i in range(count)]
    rng.shuffle(kinds)
    return dict(zip(indexes, kinds, strict=True))


def _original_before(*, rng: random.Random, index: int, copies: dict[int, str], other_than: int | None = None) -> int:
    while True:
        source = rng.randrange(index)
        if source not in copies and source != other_than:
            return source


def build_plan(
    *,
    seed: int,
    essays: int,
    topics: int | None = None,
    copy_rate: float = DEFAULT_COPY_RATE,
    min_words: int = DEFAULT_WORDS[0],
    max_words: int = DEFAULT_WORDS[1],
    vocabulary_size: int = DEFAULT_SIZE,
) -> CorpusPlan:
    if essays < 1:
        raise ValueError("A corpus needs at least one essay.")
    if not 0 < min_words <= max_words:
        raise ValueError("Word counts must satisfy 0 < min_words <= max_words.")
    rng = random.Random(f"redink-corpus:{seed}:plan")
    vocabulary = build_vocabulary(seed=seed, size=vocabulary_size)
    topic_list = build_topics(rng=rng, vocabulary=vocabulary, count=topics or default_topic_count(essays))
    sections = build_taxonomy(rng=rng, vocabulary=vocabulary, topics=topic_list)
    hosts = topic_sections(sections=sections, topic_count=len(topic_list))
    topic_ids = rng.choices(range(len(topic_list)), weights=[t.popularity for t in topic_list], k=essays)
    copies = _copy_plan(rng=rng, essays=essays, copy_rate=copy_rate)

    plans: list[EssayPlan] = []
    for index, topic_id in enumerate(topic_ids):
        kind = copies.get(index, ORIGINAL)
        if kind == ORIGINAL:
            plans.append(EssayPlan(index=index, topic=topic_id, section=rng.choice(hosts[topic_id])))
            continue
        source = _original_before(rng=rng, index=index, copies=copies)
        second = (
            _original_before(rng=rng, index=index, copies=copies, other_than=source) if kind == INTERLEAVED else None
        )
        topic_id = plans[source].topic
        plans.append(
            EssayPlan(
                index=index,
                topic=topic_id,
                section=rng.choice(hosts[topic_id]),
                copy_kind=kind,
                copy_of=source,
                copy_of_second=second,
            )
        )
    return CorpusPlan(
        seed=seed,
        min_words=min_words,
        max_words=max_words,
        vocabulary=vocabulary,
        topics=topic_list,
        sections=sections,
        essays=plans,
    )
