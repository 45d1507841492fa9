"""An invented, English-like vocabulary with Zipf-like word frequencies.

Real English function words take the top ranks, so stop-word handling meets the words it
expects; below them come tens of thousands of pronounceable invented words, shorter ones
tending to be more frequent, as in real text.
"""

from __future__ import annotations

import functools
import math
import random
import sys
from array import array
from dataclasses import dataclass, field
from itertools import accumulate

from redink.previews.sentences import ABBREVIATIONS

# Roughly in order of frequency in written English.
FUNCTION_WORDS: tuple[str, ...] = (
    "the", "of", "and", "to", "a", "in", "is", "that", "it", "was", "for", "as", "with", "be", "by",
    "on", "not", "this", "are", "which", "or", "from", "at", "but", "his", "have", "an", "they",
    "were", "had", "their", "been", "has", "its", "more", "one", "all", "can", "there", "would",
    "also", "than", "other", "these", "we", "such", "into", "may", "when", "only", "some", "if",
    "most", "between", "who", "them", "will", "what", "over", "both", "many", "how", "after",
    "could", "should", "however", "because", "through", "so", "those", "while", "during", "each",
    "within", "where", "much", "therefore", "although", "under", "about", "without", "against",
    "did", "same", "whether", "why", "very", "then", "her", "our", "before", "being", "does",
    "thus", "since", "even", "though", "upon", "until", "any", "own", "just", "here", "every",
)  # fmt: skip

# Syllable parts, each with a weight: simple consonants and vowels are the most common.
ONSETS: tuple[tuple[str, int], ...] = (
    ("", 6), ("b", 4), ("c", 4), ("d", 4), ("f", 3), ("g", 3), ("h", 3), ("j", 1), ("k", 2), ("l", 5),
    ("m", 5), ("n", 4), ("p", 4), ("r", 5), ("s", 6), ("t", 6), ("v", 2), ("w", 2), ("z", 1),
    ("br", 1), ("cr", 1), ("dr", 1), ("fl", 1), ("gr", 1), ("pl", 1), ("pr", 2), ("st", 2), ("tr", 2),
    ("sh", 1), ("ch", 1), ("th", 2), ("sl", 1), ("sp", 1), ("bl", 1), ("cl", 1), ("gl", 1), ("sc", 1),
    ("sk", 1), ("sm", 1), ("sn", 1), ("qu", 1), ("wh", 1), ("ph", 1), ("fr", 1), ("str", 1),
)  # fmt: skip
NUCLEI: tuple[tuple[str, int], ...] = (
    ("a", 10), ("e", 10), ("i", 8), ("o", 8), ("u", 4), ("ea", 2), ("ai", 1), ("ou", 2), ("io", 1),
    ("y", 1), ("ee", 1), ("oo", 1), ("ie", 1), ("au", 1), ("oa", 1),
)  # fmt: skip
CODAS: tuple[tuple[str, int], ...] = (
    ("", 14), ("n", 5), ("r", 5), ("s", 4), ("t", 4), ("l", 4), ("m", 3), ("d", 3), ("nd", 1), ("nt", 2),
    ("st", 1), ("ck", 1), ("ng", 1), ("rt", 1), ("ss", 1), ("ll", 1), ("x", 1), ("sh", 1), ("th", 1),
    ("rn", 1), ("ld", 1), ("mp", 1), ("nk", 1), ("ct", 1),
)  # fmt: skip
SUFFIXES: tuple[str, ...] = (
    "tion", "ment", "ity", "ism", "ous", "ive", "al", "ic", "er", "ure", "ance", "ence", "ate", "ise",
    "ing", "ed", "ly", "ness", "ist", "ary", "able", "ian",
)  # fmt: skip
SYLLABLE_COUNTS: tuple[tuple[int, int], ...] = ((1, 20), (2, 45), (3, 26), (4, 7), (5, 2))
SINGLE_CONSONANTS = "bcdfghklmnprstvwz"

MIN_LENGTH = 2
MAX_LENGTH = 14
DEFAULT_SIZE = 24_000
DEFAULT_EXPONENT = 1.1
# Mandelbrot's shift flattens the very top, so "the" is ~6% of words as in English, not ~11%.
DEFAULT_SHIFT = 1.0


class TableSampler:
    """Draws words with exact probabilities, mostly without a Python-level step per word.

    Each word gets floor(p * 65536) slots of a 65,536-slot table, indexed by random 16-bit
    numbers (one `randbytes` call, then a C-level `map`). A draw that lands on a slot left
    over by the rounding is drawn again from the rounding remainders, by a second table and
    then an exact bisect, so every word keeps exactly its probability.
    """

    BITS = 16

    def __init__(self, words: list[str], weights: list[float], *, depth: int = 2) -> None:
        size = 1 << self.BITS
        total = math.fsum(weights)
        slots: list[str | None] = []
        remainders = []
        for word, weight in zip(words, weights, strict=True):
            exact = weight / total * size
            whole = int(exact)
            slots.extend([word] * whole)
            remainders.append(exact - whole)
        del slots[size:]  # only float rounding could overfill it
        slots.extend([None] * (size - len(slots)))
        self._slots = slots
        self._words = words
        self._remainder_cum = list(accumulate(remainders))
        self._fallback = TableSampler(words, remainders, depth=depth - 1) if depth > 1 else None

    def draw(self, rng: random.Random, k: int) -> list[str]:
        indexes = array("H", rng.randbytes(2 * k))
        if sys.byteorder == "big":
            indexes.byteswap()  # the same words on every machine
        drawn = list(map(self._slots.__getitem__, indexes))
        misses = [i for i, word in enumerate(drawn) if word is None]
        if misses:
            if self._fallback is not None:
                redrawn = self._fallback.draw(rng, len(misses))
            else:
                redrawn = rng.choices(self._words, cum_weights=self._remainder_cum, k=len(misses))
            for i, word in zip(misses, redrawn, strict=True):
                drawn[i] = word
        return drawn  # type: ignore[return-value]


@dataclass(frozen=True)
class Vocabulary:
    """Words by rank (function words first) and how to draw them with Zipf-like frequencies."""

    words: list[str]
    weights: list[float] = field(repr=False)
    function_words: frozenset[str]
    content_words: list[str] = field(repr=False)
    content_cum_weights: list[float] = field(repr=False)
    sampler: TableSampler = field(repr=False)

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return self.sampler.draw(rng, k)

    def draw_content(self, rng: random.Random, k: int) -> list[str]:
        """Words below the function words, in their Zipf proportions."""
        return rng.choices(self.content_words, cum_weights=self.content_cum_weights, k=k)


class _Parts:
    """Weighted syllable parts with their cumulative weights, built once."""

    def __init__(self, parts: tuple[tuple[str, int], ...] | tuple[tuple[int, int], ...]) -> None:
        self.values = [value for value, _ in parts]
        self.cum_weights = list(accumulate(weight for _, weight in parts))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]  # type: ignore[return-value]


_ONSETS, _NUCLEI, _CODAS, _SYLLABLES = _Parts(ONSETS), _Parts(NUCLEI), _Parts(CODAS), _Parts(SYLLABLE_COUNTS)


def invent_word(*, rng: random.Random) -> str:
    """One pronounceable word: onset-nucleus-coda syllables, sometimes an English suffix."""
    syllables = int(_SYLLABLES.pick(rng))
    word = ""
    for _ in range(syllables):
        if not word:
            onset = _ONSETS.pick(rng)
        elif word[-1] in "aeiouy":
            onset = _ONSETS.pick(rng) or rng.choice(SINGLE_CONSONANTS)
        else:
            # After a consonant, at most one more consonant (or none), so clusters stay sayable.
            onset = rng.choice(SINGLE_CONSONANTS) if rng.random() < 0.8 else ""
        word += onset + _NUCLEI.pick(rng) + _CODAS.pick(rng)
    if syllables >= 2 and rng.random() < 0.3:
        word += rng.choice(SUFFIXES)
    return word


def invent_words(*, rng: random.Random, count: int, exclude: frozenset[str]) -> list[str]:
    """`count` distinct invented words of 2-14 letters, in the order they were invented."""
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        word = invent_word(rng=rng)
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in seen and word not in exclude:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(*, count: int, exponent: float, offset: int = 0, shift: float = 0.0) -> list[float]:
    """Weights 1/(rank + shift)^s for ranks offset+1 .. offset+count (Zipf-Mandelbrot when shift > 0)."""
    return [1.0 / ((rank + shift) ** exponent) for rank in range(offset + 1, offset + count + 1)]


def zipf_cum_weights(*, count: int, exponent: float, offset: int = 0, shift: float = 0.0) -> list[float]:
    return list(accumulate(zipf_weights(count=count, exponent=exponent, offset=offset, shift=shift)))


@functools.lru_cache(maxsize=4)  # immutable in use; tests and benchmarks build the same one repeatedly
def build_vocabulary(
    *, seed: int, size: int = DEFAULT_SIZE, exponent: float = DEFAULT_EXPONENT, shift: float = DEFAULT_SHIFT
) -> Vocabulary:
    """Function words, then `size` invented words, ranked; weight of rank r is 1/(r + shift)^exponent."""
    rng = random.Random(f"redink-corpus:{seed}:vocabulary")
    function_words = frozenset(FUNCTION_WORDS)
    invented = invent_words(rng=rng, count=size, exclude=function_words | ABBREVIATIONS)
    # Frequent words tend to be short: rank by length with noise, so some long words are common too.
    noise = [rng.gauss(0.0, 2.5) for _ in invented]
    order = sorted(range(len(invented)), key=lambda i: len(invented[i]) + noise[i])
    content = [invented[i] for i in order]
    words = [*FUNCTION_WORDS, *content]
    weights = zipf_weights(count=len(words), exponent=exponent, shift=shift)
    return Vocabulary(
        words=words,
        weights=weights,
        sampler=TableSampler(words, weights),
        function_words=function_words,
        content_words=content,
        content_cum_weights=zipf_cum_weights(
            count=len(content), exponent=exponent, offset=len(FUNCTION_WORDS), shift=shift
        ),
    )
