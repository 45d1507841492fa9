"""The catalogue's own names in a search: "GCSE history", "a level macbeth", "ib biology cells".

A level's name typed in a search is the level filter it names, and after it a subject's name of
that level is the subject filter: the words leave the text query and the facets show the filter
chosen, which the reader can take off like any other. Essays rarely say which level they were
written for, so the names would match little as text, and as filters they match exactly.

A subject's name without a level stays a word of the text query ("history of the cold war",
"english civil war"), as do names inside quotes or after a minus sign. Nothing here is indexed:
the search index needs no rebuild for it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from redink.catalogue.models import Level, Subject

from .query import words_of

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    rest: str  # what is left of the typed text, searched as words
    level: Level | None = None
    subject: Subject | None = None

    @property
    def found(self) -> bool:
        return self.level is not None


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """A name's words as typed in any case, joined by anything but letters ("A-level", "a level"),
    the last word also in the plural ("GCSEs", "A levels")."""
    words = words_of(name)
    if not words:
        return None
    parts = [re.escape(w) for w in words]
    parts[-1] += "s?"
    return re.compile(r"(?<![\w\"-])" + r"[\W_]+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _outside_quotes(text: str, start: int) -> bool:
    return text.count('"', 0, start) % 2 == 0


def _take(text: str, names: Sequence[tuple[str, T]]) -> tuple[str, T | None]:
    """The first of `names` (longest first) typed in `text` outside quotes, and the text without it."""
    for name, owner in sorted(names, key=lambda n: -len(words_of(n[0]))):
        pattern = _name_pattern(name)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if _outside_quotes(text, match.start()):
                return " ".join((text[: match.start()] + " " + text[match.end() :]).split()), owner
    return text, None


def _named(owner: Level | Subject) -> list[str]:
    return [owner.name, *(alias.strip() for alias in owner.aliases.split(",") if alias.strip())]


# The levels' names, looked up once a minute in each process rather than on every search.
_LEVELS_TTL = 60.0
_levels: tuple[float, list[tuple[str, Level]]] | None = None


def _level_names() -> list[tuple[str, Level]]:
    global _levels
    now = time.monotonic()
    if _levels is None or now - _levels[0] > _LEVELS_TTL:
        levels = Level.objects.only("pk", "name", "slug", "aliases")
        _levels = (now, [(name, level) for level in levels for name in (*_named(level), level.slug.replace("-", " "))])
    return _levels[1]


def forget_level_names() -> None:
    """Look the levels up again at the next search (after a level is changed, and between tests)."""
    global _levels
    _levels = None


def scope_of(raw: str) -> Scope:
    """The level and subject named in a search, and the rest of it."""
    rest, level = _take(raw, _level_names())
    if level is None:
        return Scope(rest=raw)
    subjects = Subject.objects.filter(level_id=level.pk).select_related("level")
    rest, subject = _take(rest, [(name, subject) for subject in subjects for name in _named(subject)])
    return Scope(rest=rest, level=level, subject=subject)
