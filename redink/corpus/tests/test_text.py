from __future__ import annotations

import difflib
import re
from collections import Counter

from redink.corpus.plan import COPY_KINDS, EDITED, EXACT, EXTRACTS, FIRST_HALF, INTERLEAVED, CorpusPlan, build_plan
from redink.corpus.text import Draft, write_essay
from redink.previews import split_sentences

from .conftest import loglog_slope, words_of

SENTENCE = re.compile(r"^[A-Z][a-z]*( [a-z]+,?)* [a-z]+[.?]$")


def _originals(drafts: list[Draft]) -> list[Draft]:
    return [d for d in drafts if not d.plan.copy_kind]


def _copies(drafts: list[Draft], kind: str) -> list[Draft]:
    found = [d for d in drafts if d.plan.copy_kind == kind]
    assert found, f"no {kind} copy seeded"
    return found


def test_essays_look_like_essays(drafts: list[Draft]) -> None:
    for draft in _originals(drafts):
        assert 1000 <= len(draft.body.split()) <= 2000
        assert 5 <= len(draft.paragraphs) <= 12
        sentences = [s for p in draft.paragraphs for s in split_sentences(p)]
        # What the preview splitter sees is exactly what was written, sentence for sentence.
        assert sentences == [s for paragraph in draft.sentences for s in paragraph]
        for sentence in sentences:
            assert SENTENCE.match(sentence), sentence
            assert 8 <= len(sentence.split()) <= 30 or sentence is sentences[-1]
    punctuation = Counter(ch for d in drafts for ch in d.body if ch in ",.?")
    assert punctuation[","] > punctuation["?"] > 0
    assert punctuation["."] > 10 * punctuation["?"]


def test_titles_are_questions_about_the_topic(corpus: CorpusPlan, drafts: list[Draft]) -> None:
    for draft in _originals(drafts):
        topic_words = set(corpus.topics[draft.plan.topic].words)
        assert len(set(words_of(draft.title)) & topic_words) >= 2, draft.title
        assert draft.title[0].isupper() or draft.title.startswith("'")
    assert len({d.title for d in drafts}) > 0.9 * len(drafts)


def test_word_frequencies_are_zipf_like(drafts: list[Draft]) -> None:
    counts = Counter(word for d in drafts for word in words_of(d.body))
    assert -1.3 < loglog_slope(counts, top=1000) < -0.8
    assert counts.most_common(1)[0][0] == "the"


def test_topic_words_are_a_characteristic_minority(corpus: CorpusPlan, drafts: list[Draft]) -> None:
    shares = []
    for draft in _originals(drafts):
        words = words_of(draft.body)
        own = set(corpus.topics[draft.plan.topic].words)
        other_topic = corpus.topics[(draft.plan.topic + 1) % len(corpus.topics)]
        others = set(other_topic.words) - own
        share = sum(w in own for w in words) / len(words)
        shares.append(share)
        assert share < 0.3
        # The topic is what tells essays apart: another topic's words are rare here.
        assert sum(w in others for w in words) / len(words) < share / 4
    assert 0.08 < sum(shares) / len(shares) < 0.22


def test_topics_have_set_phrases_that_recur(corpus: CorpusPlan, drafts: list[Draft]) -> None:
    draft = _originals(drafts)[0]
    text = " ".join(words_of(draft.body))
    phrases = corpus.topics[draft.plan.topic].phrases
    assert sum(text.count(" ".join(phrase)) for phrase in phrases) >= 5


def test_sections_mix_topics_and_topics_span_at_most_two_sections(corpus: CorpusPlan) -> None:
    big = build_plan(seed=2, essays=4000, vocabulary_size=2000)
    for plan in (corpus, big):
        hosts = Counter(topic for section in plan.sections for topic in section.topics)
        assert all(3 <= len(section.topics) <= 6 for section in plan.sections)
        assert all(len(set(section.topics)) == len(section.topics) for section in plan.sections)
        assert set(hosts) == {topic.id for topic in plan.topics}
        assert set(hosts.values()) == {1, 2}
    assert len(big.topics) == 100
    assert len({(s.level, s.subject) for s in big.sections}) >= 4
    assert len({s.level for s in big.sections}) == 4


def test_about_two_and_a_half_percent_are_labelled_copies_of_every_kind() -> None:
    plan = build_plan(seed=3, essays=4000, vocabulary_size=2000)
    kinds = Counter(e.copy_kind for e in plan.essays if e.copy_kind)
    assert set(kinds) == set(COPY_KINDS)
    assert 0.02 <= sum(kinds.values()) / len(plan) <= 0.03
    for essay in plan.essays:
        if essay.copy_kind:
            assert essay.copy_of is not None and essay.copy_of < essay.index
            assert not plan.essays[essay.copy_of].copy_kind  # sources are originals
            assert essay.topic == plan.essays[essay.copy_of].topic
            assert (essay.copy_of_second is not None) == (essay.copy_kind == INTERLEAVED)


def _source(drafts: list[Draft], copy: Draft, second: bool = False) -> Draft:
    index = copy.plan.copy_of_second if second else copy.plan.copy_of
    assert index is not None
    return drafts[index]


def test_exact_copies_are_identical(drafts: list[Draft]) -> None:
    for copy in _copies(drafts, EXACT):
        source = _source(drafts, copy)
        assert (copy.title, copy.body) == (source.title, source.body)


def test_edited_copies_differ_in_about_a_tenth_of_their_words(drafts: list[Draft]) -> None:
    for copy in _copies(drafts, EDITED):
        ours, theirs = copy.body.split(), _source(drafts, copy).body.split()
        similarity = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).ratio()
        assert 0.85 <= similarity <= 0.95
        assert len(copy.paragraphs) == len(_source(drafts, copy).paragraphs)


def test_first_half_is_a_prefix_of_its_source(drafts: list[Draft]) -> None:
    for copy in _copies(drafts, FIRST_HALF):
        source = _source(drafts, copy).body
        assert source.startswith(copy.body)
        assert 0.45 <= len(copy.body.split()) / len(source.split()) <= 0.6


def test_extracts_are_several_passages_of_one_source(drafts: list[Draft]) -> None:
    for copy in _copies(drafts, EXTRACTS):
        source = " ".join(_source(drafts, copy).body.split())
        copied = [p for p in copy.paragraphs if p in source]
        assert 3 <= len(copied) <= 5
        assert len(copied) < len(copy.paragraphs)  # the rest is the copier's own text
        copied_words = sum(len(p.split()) for p in copied)
        assert 0.05 <= copied_words / len(copy.body.split()) <= 0.6


def test_interleaved_copies_alternate_paragraphs_of_two_sources(drafts: list[Draft]) -> None:
    for copy in _copies(drafts, INTERLEAVED):
        first, second = _source(drafts, copy).paragraphs, _source(drafts, copy, second=True).paragraphs
        assert all(p in first or p in second for p in copy.paragraphs)
        assert sum(p in first for p in copy.paragraphs) >= 2
        assert sum(p in second for p in copy.paragraphs) >= 2
        assert copy.paragraphs[0] == first[0] and copy.paragraphs[1] == second[1]


def test_same_seed_same_text_other_seed_other_text(corpus: CorpusPlan, drafts: list[Draft]) -> None:
    again = build_plan(seed=11, essays=200)
    assert [write_essay(corpus=again, index=i).body for i in (0, 57, 199)] == [drafts[i].body for i in (0, 57, 199)]
    other = build_plan(seed=12, essays=200)
    assert write_essay(corpus=other, index=0).body != drafts[0].body
