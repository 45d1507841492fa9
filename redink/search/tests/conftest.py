import pytest

from redink.catalogue.services import essay_save_text, essay_withdraw
from redink.testing.factories import SectionFactory, SubjectFactory, committed, make_essay


@pytest.fixture
def library(section):  # type: ignore[no-untyped-def]
    """A small library with known texts, indexed through the normal on-commit path."""
    tudors = SectionFactory(subject=SubjectFactory(level=section.subject.level, name="English", slug="english"))
    long_tail = " ".join(f"Paragraph filler sentence number {n} keeps the essay long enough." for n in range(40))
    essays = {
        "cuba": make_essay(
            section=section,
            title="Was Khrushchev to blame for the Cuban Missile Crisis?",
            text=f"The Cuban Missile Crisis began in October 1962. Khrushchev sent missiles to Cuba.\n\n{long_tail}\n\n"
            "Hidden conclusion mentions the quarantine zebrafinch and the blockade.",
            is_teacher_marked=True,
        ),
        "detente": make_essay(
            section=section,
            title="Why did détente collapse in the late 1970s?",
            text=f"Détente collapsed after the Soviet invasion of Afghanistan in 1979.\n\n{long_tail}\n\n"
            "The Cuban Missile Crisis had shown the dangers of brinkmanship.",
        ),
        "macbeth": make_essay(
            section=tudors,
            title="How does Shakespeare present ambition in Macbeth?",
            text=f"Ambition drives Macbeth to murder King Duncan.\n\n{long_tail}\n\nLady Macbeth shares the ambition.",
        ),
        "photo": make_essay(
            section=section,
            title="How does light intensity affect the rate of photosynthesis?",
            text=f"Photosynthesis converts light energy into chemical energy.\n\n{long_tail}\n\nPondweed bubbles.",
        ),
    }
    return essays


@pytest.fixture
def withdraw():  # type: ignore[no-untyped-def]
    return lambda essay: committed(essay_withdraw, essay=essay)


@pytest.fixture
def save_text():  # type: ignore[no-untyped-def]
    return lambda essay, text: committed(essay_save_text, essay=essay, text=text)
