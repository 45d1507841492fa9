"""Topics and the taxonomy that hosts them.

A topic is a small set of its own words, drawn from the vocabulary's mid-frequency band, that
make up a minority of an essay's tokens; everything else is the shared vocabulary. Sections
mix several topics and a topic may be taught in two sections, as in a real library.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.utils.text import slugify

from .vocabulary import Vocabulary, zipf_cum_weights

LEVELS: tuple[str, ...] = ("GCSE", "AS and A Level", "International Baccalaureate", "University Degree")
SUBJECT_SUFFIXES: tuple[str, ...] = ("Studies", "History", "Science", "Literature", "Theory", "Economics", "")
SECTION_PATTERNS: tuple[str, ...] = (
    "{a} and {b}",
    "The {a} of {b}",
    "{a}, {b} and {c}",
    "{a} in practice",
    "Topics in {a}",
    "{a} {b}",
)

# The band of content ranks (0-based, among invented words) that topic words come from.
TOPIC_BAND = (600, 12_000)
TOPIC_WORDS = (30, 80)
TOPIC_SHARE = (0.10, 0.18)
TOPIC_EXPONENT = 0.7
# Collocations ("cold war", "balance of power"), so phrase queries have real phrases to find.
PHRASES = (4, 10)
PHRASE_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("a", "b"),
    ("a", "b"),
    ("a", "of", "b"),
    ("a", "b", "c"),
    ("a", "and", "b"),
)
TOPICS_PER_SECTION = (3, 6)
SECTIONS_PER_SUBJECT = (4, 8)


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    words: list[str]  # most characteristic first
    cum_weights: list[float]
    share: float  # fraction of an essay's tokens drawn from the topic's own words
    popularity: float
    phrases: list[tuple[str, ...]]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


@dataclass(frozen=True, slots=True)
class SectionLayout:
    id: int
    level: str
    subject: str
    name: str
    topics: tuple[int, ...]


def default_topic_count(essays: int) -> int:
    """About 40 essays a topic for small corpora, 400 topics at most."""
    return max(10, min(400, essays // 40))


def _phrases(*, rng: random.Random, words: list[str]) -> list[tuple[str, ...]]:
    phrases = []
    for _ in range(rng.randint(*PHRASES)):
        a, b, c = rng.sample(words[:20], 3)
        named = {"a": a, "b": b, "c": c}
        phrases.append(tuple(named.get(part, part) for part in rng.choice(PHRASE_PATTERNS)))
    return phrases


def build_topics(*, rng: random.Random, vocabulary: Vocabulary, count: int) -> list[Topic]:
    low, high = TOPIC_BAND
    band = vocabulary.content_words[low:high]
    deck: list[str] = []
    topics = []
    for topic_id in range(count):
        size = rng.randint(*TOPIC_WORDS)
        words: list[str] = []
        while len(words) < size:
            # Deal from a shuffled band so topics share as few words as the band allows.
            if not deck:
                deck = band.copy()
                rng.shuffle(deck)
            word = deck.pop()
            if word not in words:
                words.append(word)
        topics.append(
            Topic(
                id=topic_id,
                words=words,
                cum_weights=zipf_cum_weights(count=size, exponent=TOPIC_EXPONENT),
                share=rng.uniform(*TOPIC_SHARE),
                popularity=rng.lognormvariate(0.0, 0.5),
                phrases=_phrases(rng=rng, words=words),
            )
        )
    return topics


def _group_sizes(*, rng: random.Random, total: int, low: int, high: int) -> list[int]:
    """Sizes between low and high summing to total (the last group may be smaller if total < low)."""
    sizes = []
    remaining = total
    while remaining > 0:
        if remaining <= high:
            size = remaining
        else:
            size = rng.randint(low, high)
            if remaining - size < low:
                size = remaining - low
        sizes.append(size)
        remaining -= size
    return sizes


def _deal_topics(*, rng: random.Random, topics: list[Topic]) -> list[list[int]]:
    """Topic ids per section: 3-6 topics a section, each topic in one or two sections."""
    slots = [t.id for t in topics for _ in range(2 if rng.random() < 0.5 else 1)]
    rng.shuffle(slots)
    groups, start = [], 0
    for size in _group_sizes(rng=rng, total=len(slots), low=TOPICS_PER_SECTION[0], high=TOPICS_PER_SECTION[1]):
        groups.append(slots[start : start + size])
        start += size
    # A topic dealt twice into one section: swap the second copy with a topic from another section.
    for group in groups:
        for position, topic_id in enumerate(group):
            if group.index(topic_id) == position:
                continue
            for other in groups:
                swap = next((i for i, t in enumerate(other) if t not in group and topic_id not in other), None)
                if swap is not None:
                    group[position], other[swap] = other[swap], topic_id
                    break
            else:
                del group[position]  # cannot happen with more than a handful of topics
    return groups


def _subject_name(rng: random.Random, words: list[str]) -> str:
    return f"{rng.choice(words).capitalize()} {rng.choice(SUBJECT_SUFFIXES)}".strip()


def _section_name(rng: random.Random, words: list[str]) -> str:
    pattern = rng.choice(SECTION_PATTERNS)
    a, b, c = (rng.choice(words) for _ in range(3))
    name = pattern.format(a=a, b=b, c=c)
    return name[0].upper() + name[1:]


def _unique_name(*, taken: set[str], make: Callable[[], str]) -> str:
    while True:
        name = make()
        if slugify(name) not in taken:
            taken.add(slugify(name))
            return name


def build_taxonomy(*, rng: random.Random, vocabulary: Vocabulary, topics: list[Topic]) -> list[SectionLayout]:
    """Sections (with their topics) grouped into subjects, subjects spread over the levels."""
    groups = _deal_topics(rng=rng, topics=topics)
    subject_sizes = _group_sizes(rng=rng, total=len(groups), low=SECTIONS_PER_SUBJECT[0], high=SECTIONS_PER_SUBJECT[1])
    level_count = min(len(LEVELS), len(subject_sizes))
    subject_names: dict[str, set[str]] = {level: set() for level in LEVELS}
    sections: list[SectionLayout] = []
    naming_words = vocabulary.content_words[100:3000]
    for subject_number, size in enumerate(subject_sizes):
        level = LEVELS[subject_number % level_count]
        subject = _unique_name(taken=subject_names[level], make=partial(_subject_name, rng, naming_words))
        section_names: set[str] = set()
        for _ in range(size):
            topic_ids = groups[len(sections)]
            words = [w for t in topic_ids for w in topics[t].words[:5]]
            name = _unique_name(taken=section_names, make=partial(_section_name, rng, words))
            sections.append(
                SectionLayout(id=len(sections), level=level, subject=subject, name=name, topics=tuple(topic_ids))
            )
    return sections


def topic_sections(*, sections: list[SectionLayout], topic_count: int) -> list[tuple[int, ...]]:
    """For each topic id, the ids of the sections that host it."""
    hosts: list[list[int]] = [[] for _ in range(topic_count)]
    for section in sections:
        for topic_id in section.topics:
            hosts[topic_id].append(section.id)
    return [tuple(h) for h in hosts]
