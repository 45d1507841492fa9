"""A small library whose essays are about known topics, for the related-essay tests."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

import pytest

from redink.catalogue.models import Section
from redink.related.models import RelatedCards, RelatedEssay, RelatedLevel
from redink.related.services import related_rebuild
from redink.related.text import STOP_WORDS
from redink.testing.factories import LevelFactory, SectionFactory, SubjectFactory

# Filler that carries no meaning: stop words, which the signatures ignore.
FILLER = sorted(STOP_WORDS)

TOPICS: dict[str, tuple[str, ...]] = {
    "cold war": ("khrushchev", "kennedy", "missiles", "cuba", "blockade", "soviet", "nuclear", "brinkmanship",
                 "berlin", "superpowers", "containment", "detente", "truman", "korea", "vietnam", "stalin"),
    "tudors": ("henry", "reformation", "monasteries", "cromwell", "wolsey", "boleyn", "catholic", "protestant",
               "parliament", "annulment", "dissolution", "heir", "elizabeth", "armada", "mary", "pilgrimage"),
    "cells": ("mitochondria", "nucleus", "membrane", "ribosome", "cytoplasm", "organelle", "chloroplast",
              "diffusion", "osmosis", "enzyme", "vacuole", "eukaryotic", "prokaryotic", "mitosis", "dna", "protein"),
    "macbeth": ("macbeth", "duncan", "banquo", "witches", "prophecy", "dagger", "ambition", "regicide", "fleance",
                "macduff", "guilt", "tyrant", "scotland", "thane", "cawdor", "malcolm"),
}  # fmt: skip


def topic_text(
    topic: str | dict[str, float], *, seed: int, paragraphs: int = 6, share: float = 0.5, extra: str = ""
) -> str:
    """Paragraphs of sentences in which about `share` of the words are a topic's (or a mix of
    topics', weighted), the rest meaningless filler; `extra` ends every sentence."""
    mixture = {topic: 1.0} if isinstance(topic, str) else topic
    rng = random.Random(f"{sorted(mixture.items())}:{seed}")
    names, weights = list(mixture), list(mixture.values())
    out = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(6):
            sentence = [
                rng.choice(TOPICS[rng.choices(names, weights)[0]]) if rng.random() < share else rng.choice(FILLER)
                for _ in range(rng.randint(10, 18))
            ]
            if extra:
                sentence.append(extra)
            sentences.append(" ".join(sentence).capitalize() + ".")
        out.append(" ".join(sentences))
    return "\n\n".join(out)


@dataclass
class Taxonomy:
    cold_war: Section  # GCSE > History > International relations 1945-1991 (the root `section` fixture)
    tudors: Section  # GCSE > History > Tudors
    cells: Section  # GCSE > Biology > Cells
    a_level: Section  # AS and A Level > History > Cold War


@pytest.fixture
def taxonomy(section) -> Taxonomy:  # type: ignore[no-untyped-def]
    biology = SubjectFactory(level=section.subject.level, name="Biology", slug="biology")
    a_level = LevelFactory(name="AS and A Level", slug="as-and-a-level")
    return Taxonomy(
        cold_war=section,
        tudors=SectionFactory(subject=section.subject, name="Tudors", slug="tudors"),
        cells=SectionFactory(subject=biology, name="Cells", slug="cells"),
        a_level=SectionFactory(subject=SubjectFactory(level=a_level, name="History", slug="history"), name="Cold War"),
    )


def related_titles(essay) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles of the essay's stored related list, in rank order, having checked that the
    cards its page shows name the same essays in the same order."""
    rows = RelatedEssay.objects.filter(essay=essay).order_by("rank")
    titles = list(rows.values_list("related__title", flat=True))
    stored = RelatedCards.objects.filter(essay=essay).values_list("cards", flat=True).first()
    shown = [(slug, full_title) for slug, _, full_title, *_ in json.loads(stored)] if stored else []
    assert shown == list(rows.values_list("related__slug", "related__title")), "the cards differ from the list"
    return titles


@pytest.fixture(params=["small library", "incremental"])
def refreshing(request, settings, taxonomy):  # type: ignore[no-untyped-def]
    """Call once the library is in place; changes after that refresh lists the way this mode does.

    "small library": every change rebuilds the level (its statistics drift at once in a small
    library). "incremental": statistics taken now, then each change touches only the lists it
    affects, as in a large library.
    """
    started = []

    def start() -> None:
        started.append(True)
        if request.param == "incremental":
            related_rebuild()
            settings.REDINK_RELATED_REBUILD_AFTER = 1e9

    yield start
    assert started, "the test never called refreshing()"
    if request.param == "incremental":
        level = taxonomy.cold_war.subject.level
        assert RelatedLevel.objects.get(level=level).changes > 0, "the level was rebuilt, not refreshed"
