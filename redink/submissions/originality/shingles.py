"""Words and word shingles of a text, with where each word stands (pure functions).

A shingle's hash combines its words' hashes (vectorised with numpy), so cutting an essay of
2,000 words into shingles costs well under a millisecond.
"""

from __future__ import annotations

import re
import zlib
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

SHINGLE_WORDS = 5
_WORD = re.compile("\\w+(?:['\\u2019]\\w+)*")
# Odd 64-bit multipliers of a polynomial hash over the shingle's words.
_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)


@lru_cache(maxsize=500_000)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode()) | (zlib.adler32(word.encode()) << 32)


class Shingled:
    """A text cut into lower-cased words and the 32-bit hashes of its 5-word shingles.

    Each part is worked out when first needed. A pickled copy (a bulk import's worker sends
    one back to its writer) carries the text with its MinHash and shingle count only: the
    writer mostly needs nothing else, and recomputes the rest from the text if it does.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(word.lower().replace("\u2019", "'") for word in _WORD.findall(self.text))

    @cached_property
    def hashes(self) -> tuple[int, ...]:
        """hashes[i] is the shingle of words[i : i + SHINGLE_WORDS]."""
        return shingle_hashes(self.words)

    @cached_property
    def hash_set(self) -> frozenset[int]:
        return frozenset(self.hashes)

    @cached_property
    def shingle_count(self) -> int:
        return len(self.hash_set)

    @property
    def word_count(self) -> int:
        return len(self.words)

    @cached_property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where each word stands in the text, in characters (worked out only when a passage is shown)."""
        return tuple(match.span() for match in _WORD.finditer(self.text))

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """The characters of words[start:end]."""
        return self.spans[start][0], self.spans[end - 1][1]

    @cached_property
    def minhash(self) -> Any:
        from .minhash import minhash_of

        return minhash_of(self.hash_set)

    def __repr__(self) -> str:
        return f"Shingled({self.text[:40]!r}…)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, (self.text, self.minhash, self.shingle_count))


def _unpickle(text: str, minhash: Any, shingle_count: int) -> Shingled:
    shingled = Shingled(text)
    shingled.__dict__.update(minhash=minhash, shingle_count=shingle_count)
    return shingled


def shingle(text: str) -> Shingled:
    return Shingled(text)


def shingle_hashes(words: tuple[str, ...]) -> tuple[int, ...]:
    if not words:
        return ()
    values = np.fromiter((_word_hash(word) for word in words), dtype=np.uint64, count=len(words))
    count = max(len(values) - SHINGLE_WORDS + 1, 1)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(SHINGLE_WORDS, len(values))):
        combined += values[offset : offset + count] * _MULTIPLIERS[offset]  # wraps modulo 2**64, as meant
    folded = (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return tuple(folded.tolist())
