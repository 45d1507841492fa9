"""Hypothesis strategies for essays whose sentence boundaries the generator knows.

Every essay is built sentence by sentence, so a test can check a preview's cuts against the
generator's own sentence list rather than against the splitter under test. Sentences carry the
things that trip sentence splitters: abbreviations, initials, decimals, ranges, quotations
ending in ?" or !", ellipses mid-sentence and at the end. No generated sentence *ends* with an
abbreviation or an initial ("...in the U.S." then "They..."): that is genuinely ambiguous and
the splitter keeps such text together on purpose.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import strategies as st

# fmt: off
WORDS = [
    "the", "war", "policy", "economy", "students", "argued", "that", "was", "which", "government", "trade", "of",
    "and", "a", "rose", "fell", "treaty", "power", "because", "however,", "therefore,", "in", "no", "at", "by",
    "with", "it", "model", "market", "demand", "prices", "essay", "poem", "theory", "data", "—the", "so-called",
    "cold", "war;", "crisis:", "reform"
]
CAPITALISED = [
    "The", "In", "However,", "By", "London", "Keynes", "Students", "This", "It", "Historians", "A", "Britain",
    "Eliot"
]
# Words a sentence may end on: none is an abbreviation, an initial or an acronym.
END_WORDS = [
    "war", "policy", "economy", "collapse", "growth", "reform", "London", "Keynes", "Eliot", "1945", "3.5",
    "0.025", "1955-62", "prices", "years", "ago", "itself", "again", "poem", "Britain"
]
# One-word sentences and headings.
ONE_WORDS = [
    "Yes", "Why", "Indeed", "Introduction", "Conclusion", "Exactly", "Sources"
]
# fmt: on

_words = st.sampled_from(WORDS)
_capitalised = st.sampled_from(CAPITALISED)
_end_words = st.sampled_from(END_WORDS)


def _fragments(*options: list[str]) -> st.SearchStrategy[list[str]]:
    return st.sampled_from(list(options))


_openings = st.one_of(
    _capitalised.map(lambda word: [word]),
    _fragments(
        ['"Why', 'now?"', "she", "asked"],
        ["“Stop!”", "he", "shouted"],
        ["1955-62", "saw"],
        ["3.5", "per", "cent"],
        ["J.", "M.", "Keynes"],
        ["T.", "S.", "Eliot"],
        ["Dr.", "Smith"],
        ["Mr.", "Jones"],
        ["St.", "Paul's"],
        ["U.S.", "policy"],
        ["E.g.", "trade"],
    ),
)
_middles = st.one_of(
    _words.map(lambda word: [word]),
    _capitalised.map(lambda word: [word]),
    _words.map(lambda word: ["e.g.", word]),
    _words.map(lambda word: ["e.g.,", word]),
    _capitalised.map(lambda word: ["i.e.", word]),
    _words.map(lambda word: ["then...", word]),
    _words.map(lambda word: ["...", word]),
    _words.map(lambda word: ["then…", word]),
    _words.map(lambda word: ["…", word]),
    _fragments(
        ["the", "U.S.", "Congress"],
        ["in", "the", "U.S.", "and"],
        ["Dr.", "Smith"],
        ["Mr.", "Jones"],
        ["St.", "Paul's"],
        ["c.", "1950"],
        ["c.", "3.5"],
        ["J.", "M.", "Keynes"],
        ["T.", "S.", "Eliot"],
        ["3.5"],
        ["0.025"],
        ["1955-62"],
        ["by", "3.5", "per", "cent"],
        ["(in", "1955-62)"],
        ['"Why', 'now?"', "she", "asked"],
        ['"Stop!"', "he", "shouted"],
        ["“Why", "now?”", "she", "asked"],
        ['"Why', 'now?"', "(she", "asked)"],
        ["paused...", "(briefly)"],
        ["paused…", '"quietly"'],
    ),
)
_ends = st.one_of(
    st.tuples(_end_words, st.sampled_from([".", ".", ".", "?", "!", "...", "…", '."', ".”"])).map(
        lambda pair: ["".join(pair)]
    ),
    _end_words.map(lambda word: [word, "..."]),
    _fragments(
        ["asked,", '"Why', 'now?"'],
        ["shouted,", '"Stop!"'],
        ["asked,", "“Why", "now?”"],
        ["wrote,", '"It', 'ended."'],
        ["(in", "1955-62)."],
    ),
)


def sentence(*, terminated: bool = True, max_middles: int = 12) -> st.SearchStrategy[str]:
    """One sentence; an unterminated one ends on a bare word (only a paragraph's last may)."""
    end = _ends if terminated else _end_words.map(lambda word: [word])
    parts = st.tuples(_openings, st.lists(_middles, max_size=max_middles), end)
    full = parts.map(lambda p: " ".join([*p[0], *itertools.chain.from_iterable(p[1]), *p[2]]))
    if not terminated:
        return st.one_of(full, st.sampled_from(ONE_WORDS))
    one_word = st.tuples(st.sampled_from(ONE_WORDS), st.sampled_from([".", "?", "!", "..."])).map("".join)
    return st.one_of(full, one_word)


@dataclass(frozen=True)
class Essay:
    paragraphs: tuple[tuple[str, ...], ...]  # each paragraph as its sentences, in order

    @property
    def texts(self) -> list[str]:
        """The paragraphs as the preview functions receive them."""
        return [" ".join(p) for p in self.paragraphs]

    @property
    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]

    @property
    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences)


def _paragraph(sentences: list[str], last: str) -> tuple[str, ...]:
    return (*sentences, last)


normal_paragraphs = st.builds(
    _paragraph, st.lists(sentence(), max_size=7), st.one_of(sentence(), sentence(terminated=False))
)
one_word_paragraphs = st.one_of(
    st.sampled_from(ONE_WORDS),
    st.tuples(st.sampled_from(ONE_WORDS), st.sampled_from([".", "?", "!"])).map("".join),
).map(lambda word: (word,))


def _long(base: list[str], extra: int) -> tuple[str, ...]:
    """Cycle the base sentences to hundreds of sentences and 2,000+ words."""
    sentences: list[str] = []
    words = 0
    for text in itertools.cycle(base):
        if len(sentences) >= 200 + extra and words >= 2000:
            break
        sentences.append(text)
        words += len(text.split())
    return tuple(sentences)


long_paragraphs = st.builds(_long, st.lists(sentence(), min_size=2, max_size=6), st.integers(0, 300))
# Text without a single full stop: headings and runs of words, one unterminated sentence each.
stopless_paragraphs = st.lists(st.one_of(_words, _capitalised), min_size=0, max_size=60).flatmap(
    lambda words: _capitalised.map(lambda first: (" ".join([first, *words]),))
)

# Short essays of short sentences: the budget is a handful of words and every sentence counts.
short_paragraphs = st.lists(sentence(max_middles=3), min_size=1, max_size=6).map(tuple)

essays = st.one_of(
    st.lists(st.one_of(normal_paragraphs, one_word_paragraphs), min_size=1, max_size=6),
    st.lists(st.one_of(short_paragraphs, one_word_paragraphs), min_size=1, max_size=3),
    st.lists(st.one_of(normal_paragraphs, one_word_paragraphs, long_paragraphs), min_size=1, max_size=4),
    sentence().map(lambda s: [(s,)]),
    sentence(terminated=False).map(lambda s: [(s,)]),
    st.lists(stopless_paragraphs, min_size=1, max_size=4),
).map(lambda paragraphs: Essay(tuple(paragraphs)))
long_essays = st.lists(long_paragraphs, min_size=2, max_size=3).map(lambda paragraphs: Essay(tuple(paragraphs)))

ratios = st.one_of(st.sampled_from([0.1, 0.25, 0.3, 0.35, 0.5, 0.57, 0.7, 0.9]), st.floats(0.1, 0.9))
caps = st.one_of(st.just(800), st.integers(5, 800))
