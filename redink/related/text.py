"""Terms of a text, and cutting titles and passages at word boundaries (pure functions)."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"[^\W_]+")
MAX_TERM_LENGTH = 40  # RelatedTerm.term
ELLIPSIS = "..."

# Words too common to say what an essay is about. Weighting would sink most of them anyway;
# dropping them keeps signatures and the term table small.
# fmt: off
STOP_WORDS = frozenset(
    """
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each even every
    few for from further had has have having he her here hers him his how however i if in into is
    it its itself just may me might more most much must my no nor not now of off on once one only
    or other our ours out over own same shall she should since so some such than that the their
    theirs them then there therefore these they this those though through thus to too under until
    up upon us very was we were what when where whether which while who whom why will with within
    without would yet you your
    """.split()
)
# fmt: on


def term_counts(text: str) -> Counter[str]:
    """How often each term occurs: lower-cased words, stop words and most numbers left out."""
    counts = Counter(_TOKEN.findall(text.lower()))
    for word in counts.keys() & STOP_WORDS:
        del counts[word]
    # Numbers say little, except years ("1945", "1991").
    odd = [w for w in counts if len(w) < 2 or len(w) > MAX_TERM_LENGTH or (w.isdigit() and len(w) != 4)]
    for word in odd:
        del counts[word]
    return counts


def words_of(text: str) -> frozenset[str]:
    """The distinct lower-cased words of a text (a superset of its terms, cheaper to get)."""
    return frozenset(_TOKEN.findall(text.lower()))


def cut_at_word(text: str, *, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its longest run of whole words that does,
    followed by "..." (the ellipsis counted in the limit)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    head = text[: room + 1]
    space = head.rfind(" ")
    kept = head[:space] if space > 0 else text[:room]
    return kept.rstrip(" ,;:-–—([{\"'") + ELLIPSIS  # noqa: RUF001 (dashes are the point)


TITLE_LIMIT = 60


def cut_title(title: str, *, limit: int = TITLE_LIMIT) -> str:
    """A title for a card: cut at a word boundary with "..." when longer than `limit`."""
    return cut_at_word(title, limit=limit)
