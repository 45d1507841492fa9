from __future__ import annotations

import random
import re
from collections import Counter

from redink.corpus.plan import CorpusPlan
from redink.corpus.vocabulary import FUNCTION_WORDS, TableSampler, build_vocabulary
from redink.previews.sentences import ABBREVIATIONS

from .conftest import loglog_slope

FOUR_CONSONANTS = re.compile(r"[^aeiouy]{4}")


def test_vocabulary_has_twenty_thousand_distinct_pronounceable_words(corpus: CorpusPlan) -> None:
    vocabulary = corpus.vocabulary
    invented = vocabulary.content_words
    assert len(vocabulary.words) >= 20_000
    assert len(set(vocabulary.words)) == len(vocabulary.words)
    assert all(2 <= len(word) <= 14 and word.isalpha() and word.islower() for word in invented)
    assert all(re.search("[aeiouy]", word) and not FOUR_CONSONANTS.search(word) for word in invented)
    lengths = Counter(len(word) for word in invented)
    assert sum(n for length, n in lengths.items() if length >= 6) > 0.3 * len(invented)
    assert len(lengths) >= 12  # every length from short to long, not one template
    # An invented word that the sentence splitter treats as an abbreviation would hide sentence ends.
    assert not set(invented) & (ABBREVIATIONS | set(FUNCTION_WORDS))


def test_function_words_take_the_top_ranks(corpus: CorpusPlan) -> None:
    vocabulary = corpus.vocabulary
    assert vocabulary.words[: len(FUNCTION_WORDS)] == list(FUNCTION_WORDS)
    drawn = Counter(vocabulary.draw(random.Random(3), 100_000))
    top_ten = [word for word, _ in drawn.most_common(10)]
    assert set(top_ten) <= set(FUNCTION_WORDS)
    assert 0.04 < drawn["the"] / 100_000 < 0.09  # "the" is about 6% of English words


def test_draws_follow_zipf(corpus: CorpusPlan) -> None:
    drawn = Counter(corpus.vocabulary.draw(random.Random(4), 300_000))
    assert -1.3 < loglog_slope(drawn, top=1000) < -0.9


def test_table_sampler_keeps_exact_probabilities_for_rare_words() -> None:
    # Two words below one slot of the 65,536-slot table: only the remainder path can draw them.
    words = ["common", "rare", "rarer"]
    sampler = TableSampler(words, [1.0, 1e-5, 5e-6])
    drawn = Counter(sampler.draw(random.Random(5), 2_000_000))
    assert 8 < drawn["rare"] < 35  # expected 20
    assert 2 < drawn["rarer"] < 20  # expected 10


def test_vocabulary_depends_only_on_the_seed() -> None:
    assert build_vocabulary(seed=3, size=2000).words == build_vocabulary(seed=3, size=2000).words
    assert build_vocabulary(seed=3, size=2000).words != build_vocabulary(seed=4, size=2000).words
