"""Display names: what a name may be, before anyone else sees it.

A display name is the only thing other people learn of an author, and many authors are 14 to 16,
so a name may not carry contact details (nothing shaped like an e-mail address or a web
address), may not pass for another person or for the site, and may not be offensive. The
words refused live in `data/blocked_words.txt`; they are matched as whole words after folding
case, accents and digit substitutions, so "Scunthorpe" and "Dickens" stay fine.

Names are also the address of an author's page (`/authors/<name>/`, the exact name, URL-
encoded), which is why they keep to letters, digits, spaces and a little punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

from redink.core.text import invisible_characters_message

MIN_LENGTH = 2
MAX_LENGTH = 40
BLOCKLIST_FILE = Path(__file__).resolve().parent / "data" / "blocked_words.txt"

# Letters of any alphabet, digits, spaces and . ' - _ (and the typographic apostrophe); at least one letter.
_ALLOWED = re.compile("^[\\w .'\u2019\\-]+$")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT_LOOKALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
# "name.com", "www.thing", "x.co.uk": a dot between word characters followed by a common
# top-level domain, or anything starting with www.
_TLDS = (
    "com|org|net|edu|gov|info|biz|io|co|uk|me|tv|app|dev|xyz|online|site|link|live|ly|gg|us|"
    "ca|au|nz|ie|de|fr|es|it|nl|ru|cn|in|br|jp|ch|eu|shop|store|club|top"
)
_DOMAIN = re.compile(rf"(^|[\s_])www\.|\w\.({_TLDS})(\b|$)", re.IGNORECASE)
# Names the site itself uses for people: a user may not take one and pass for someone else.
_RESERVED = re.compile(
    r"^(student \d+|former (contributor|teacher)|anonymous|admin|administrator|moderator|staff|redink|"
    r"the redink team|support|deleted user)$",
    re.IGNORECASE,
)


def display_name_clean(value: str) -> str:
    """The name as it is stored: Unicode-normalised, outer spaces trimmed, inner runs of spaces
    made one."""
    return " ".join(unicodedata.normalize("NFC", value).split())


@cache
def blocked_words() -> frozenset[str]:
    lines = BLOCKLIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.translate(_DIGIT_LOOKALIKES)


def _candidate_words(name: str) -> set[str]:
    """The name's words after folding; runs of single letters joined ("f.u.c.k", "F U C K"),
    and the whole name with its separators taken out ("Fu_ck")."""
    words = [w for w in re.split(r"[\W_]+", _folded(name)) if w]
    candidates = set(words)
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            candidates.add("".join(run))
        run = []
    candidates.add("".join(words))
    return candidates


def is_offensive(name: str) -> bool:
    blocked = blocked_words()
    for word in _candidate_words(name):
        stems = {word, word.removesuffix("s"), word.removesuffix("es")}
        if stems & blocked:
            return True
    return False


def display_name_problems(value: str) -> list[str]:
    """What is wrong with a proposed display name, in words for the person choosing it; an
    empty list when nothing is. (Availability is checked separately: it needs the database.)"""
    name = display_name_clean(value)
    if len(name) < MIN_LENGTH:
        return [f"Your display name needs at least {MIN_LENGTH} characters."]
    if len(name) > MAX_LENGTH:
        return [f"Your display name can have at most {MAX_LENGTH} characters (this one has {len(name)})."]
    if "@" in name or "\uff20" in name:  # and the full-width at sign
        return ["A display name cannot contain “@”: it is shown to everyone, so keep your e-mail address out of it."]
    if "://" in name or _DOMAIN.search(name):
        return ["A display name cannot look like a web address: it is shown to everyone."]
    # Before the general rule, so the writer learns which invisible character to take out.
    invisible = invisible_characters_message(noun="Display names", text=name)
    if invisible:
        return [invisible]
    if not _ALLOWED.match(name):
        return ["Use letters, numbers, spaces and . ' - _ only."]
    if not _LETTER.search(name):
        return ["Your display name needs at least one letter."]
    if _RESERVED.match(name):
        return ["That name is kept for the site's own use. Please choose another."]
    if is_offensive(name):
        return ["That name contains a word we do not allow. Please choose another."]
    return []


def validate_display_name(value: str) -> None:
    """The model field's validator (so the admin checks names too); blank is left to `blank=`."""
    if value == "":
        return
    problems = display_name_problems(value)
    if problems:
        raise ValidationError(problems, code="invalid")
