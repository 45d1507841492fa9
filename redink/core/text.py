"""Invisible and direction-changing characters: refused in titles and display names.

A title or a display name is shown inline, next to text the site wrote and other people's
words. A right-to-left override (U+202E) inside one reverses what follows it, so
"Essay\u202efdp.exe" reads as "Essayexe.pdf", and a zero-width space makes two names that look
the same compare as different; a line break in a title would end the subject header of the
e-mail that names it, so control characters are refused as well. Nobody needs either in a title or a name, so they are refused
with a clear message rather than stripped behind the writer's back. Longer user text (essay
paragraphs, reviews, comments, notes) may legitimately mix scripts: it is not refused but
isolated where it is shown (`<bdi>` inline, `dir="auto"` on blocks), so it cannot reorder
the page around it.

The marks LRM and RLM (U+200E, U+200F) and the Arabic letter mark (U+061C) are refused too: a
single line of title or name resolves its own direction under `<bdi>`, so a mark only ever
serves to disguise.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Each refused character, with the name a person can look up.
_REFUSED = (
    "\u061c",  # ARABIC LETTER MARK
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR (zero width since Unicode 6.3)
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2060",  # WORD JOINER
    "\u2061",  # FUNCTION APPLICATION
    "\u2062",  # INVISIBLE TIMES
    "\u2063",  # INVISIBLE SEPARATOR
    "\u2064",  # INVISIBLE PLUS
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (byte order mark)
)
REFUSED_CHARACTERS = frozenset(_REFUSED)


def _refused(character: str) -> bool:
    # Control characters too: a line break in a title would end an e-mail's subject header.
    return character in REFUSED_CHARACTERS or unicodedata.category(character) == "Cc"


def invisible_characters_in(text: str) -> list[str]:
    """The refused characters in `text`, each once, in the order they first appear, named as
    "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    found: list[str] = []
    for character in text:
        if _refused(character):
            label = f"U+{ord(character):04X} {unicodedata.name(character, 'CONTROL CHARACTER')}"
            if label not in found:
                found.append(label)
    return found


def without_invisible_characters(text: str) -> str:
    """`text` with every refused character taken out: for a title nobody typed (a document's
    own metadata, a file name), where refusing would help no one."""
    # A line break becomes a space, so the words either side of it stay apart.
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text if c not in REFUSED_CHARACTERS)


def invisible_characters_message(*, noun: str, text: str) -> str | None:
    """What to tell the writer when `text` holds a refused character (`noun`: "Titles",
    "Display names"), or None when it holds none."""
    found = invisible_characters_in(text)
    if not found:
        return None
    return (
        f"{noun} cannot contain invisible or direction-changing characters "
        f"(this one has {', '.join(found)}). Retype it, or paste it as plain text."
    )


@deconstructible
class VisibleCharactersValidator:
    """A field validator refusing invisible and direction-changing characters; usable on forms
    and on model fields (it deconstructs for migrations)."""

    code = "invisible_characters"

    def __init__(self, noun: str = "Titles") -> None:
        self.noun = noun

    def __call__(self, value: object) -> None:
        message = invisible_characters_message(noun=self.noun, text=str(value or ""))
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisibleCharactersValidator) and other.noun == self.noun

    def __hash__(self) -> int:
        return hash((type(self), self.noun))


validate_title = VisibleCharactersValidator("Titles")
