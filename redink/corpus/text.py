"""The text of one essay: sentences, paragraphs and a title, or a copy made from earlier essays.

Hot path: an original essay's words come from two bulk `random.choices` calls (shared
vocabulary, then the topic's words dropped into random positions), so the cost per word is a
bisect, not a Python-level decision.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import pairwise

from .plan import EDITED, EXACT, EXTRACTS, FIRST_HALF, INTERLEAVED, ORIGINAL, CorpusPlan, EssayPlan
from .topics import Topic
from .vocabulary import Vocabulary

SENTENCE_WORDS = (8, 30)
SENTENCE_MODE = 16
PARAGRAPHS = (5, 12)
PARAGRAPH_WORDS = (120, 220)
QUESTION_RATE = 0.05
QUESTION_WORDS = ("how", "why", "what", "can", "does", "should", "could", "would")
COMMAS_PER_WORD = 1 / 14
PHRASE_RATE = 0.1  # of a topic's words, the share that start one of its set phrases
SHARE_JITTER = 0.02
EDIT_RATE = 0.10
EXTRACT_PASSAGES = (3, 5)
EXTRACT_SENTENCES = (3, 6)
TITLE_PATTERNS: tuple[str, ...] = (
    "How far did {a} {b} change the {c}?",
    "To what extent was the {a} of {b} a turning point for {c}?",
    "Assess the importance of {a} in the {b} of {c}.",
    "Why did the {a} {b} fail?",
    "Compare the {a} and the {b} in {c}.",
    "Explain how {a} affects {b}.",
    "Evaluate the role of {a} {b} in {c}.",
    "'{a} was the main cause of the {b}.' How far do you agree?",
    "Discuss the {a} of {b}.",
    "What were the consequences of the {a} {b}?",
    "How significant was {a} to the development of {b}?",
    "An analysis of {a} {b} and {c}",
    "{a} and {b}: a study of {c}",
    "Is {a} more important than {b} in {c}?",
    "Critically evaluate {a} {b}.",
)


@dataclass(frozen=True, slots=True)
class Draft:
    """One essay's title and text, as paragraphs of sentences."""

    plan: EssayPlan
    title: str
    sentences: list[list[str]]

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(paragraph) for paragraph in self.sentences]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _capitalise(text: str) -> str:
    """Upper-case the first letter (after any opening quote)."""
    head = len(text) - len(text.lstrip("'\""))
    return text[:head] + text[head : head + 1].upper() + text[head + 1 :]


def sentence_lengths(*, rng: random.Random, words: int) -> list[int]:
    """Sentence lengths of 8-30 words (for a long enough text) adding up to exactly `words`."""
    low, high = SENTENCE_WORDS
    lengths = []
    remaining = words
    while remaining >= low + high:
        length = round(rng.triangular(low, high, SENTENCE_MODE))
        lengths.append(length)
        remaining -= length
    if remaining > high:
        lengths.append(remaining // 2)
        remaining -= remaining // 2
    if remaining:
        lengths.append(remaining)
    return lengths


def place_topic_words(*, rng: random.Random, topic: Topic, tokens: list[str], share: float) -> None:
    """Overwrite about `share` of the tokens with the topic's words, some as its set phrases."""
    topical = round(len(tokens) * share)
    positions = rng.sample(range(len(tokens)), topical)
    for position, word in zip(positions, topic.draw(rng, topical), strict=True):
        tokens[position] = word
    phrases = round(topical * PHRASE_RATE)
    for position, phrase in zip(positions[:phrases], rng.choices(topic.phrases, k=phrases), strict=True):
        if position + len(phrase) <= len(tokens):
            tokens[position : position + len(phrase)] = phrase


def write_sentences(*, rng: random.Random, vocabulary: Vocabulary, topic: Topic, words: int) -> list[str]:
    tokens = vocabulary.draw(rng, words)
    share = min(max(topic.share + rng.uniform(-SHARE_JITTER, SHARE_JITTER), 0.0), 1.0)
    place_topic_words(rng=rng, topic=topic, tokens=tokens, share=share)
    function_words = vocabulary.function_words
    lengths = sentence_lengths(rng=rng, words=words)
    # A sentence rarely ends on "the": a content word takes the last place instead.
    last_words = vocabulary.draw_content(rng, len(lengths))
    sentences = []
    start = 0
    for length, last_word in zip(lengths, last_words, strict=True):
        sentence = tokens[start : start + length]
        start += length
        if sentence[-1] in function_words:
            sentence[-1] = last_word
        if length >= 6:
            for _ in range(int(length * COMMAS_PER_WORD + rng.random())):
                position = 2 + int(rng.random() * (length - 4))
                if sentence[position] not in function_words and not sentence[position].endswith(","):
                    sentence[position] += ","
        if rng.random() < QUESTION_RATE:
            sentence[0] = rng.choice(QUESTION_WORDS)
            sentence[-1] += "?"
        else:
            sentence[-1] += "."
        sentence[0] = _capitalise(sentence[0])
        sentences.append(" ".join(sentence))
    return sentences


def split_paragraphs(*, rng: random.Random, sentences: list[str], words: int) -> list[list[str]]:
    """5-12 paragraphs (fewer for a very short text) of roughly even, jittered length."""
    count = round(words / rng.uniform(*PARAGRAPH_WORDS))
    count = max(1, min(max(PARAGRAPHS[0], min(PARAGRAPHS[1], count)), len(sentences)))
    size = len(sentences) / count
    cuts = sorted({round(size * (i + rng.uniform(-0.3, 0.3))) for i in range(1, count)} - {0, len(sentences)})
    bounds = [0, *cuts, len(sentences)]
    return [sentences[a:b] for a, b in pairwise(bounds) if b > a]


def write_title(*, rng: random.Random, topic: Topic) -> str:
    words: list[str] = []
    while len(words) < 3:
        word = topic.draw(rng, 1)[0]
        if word not in words:
            words.append(word)
    a, b, c = words
    return _capitalise(rng.choice(TITLE_PATTERNS).format(a=a, b=b, c=c))


def write_original(*, corpus: CorpusPlan, plan: EssayPlan, rng: random.Random, words: int | None = None) -> Draft:
    words = words or rng.randint(corpus.min_words, corpus.max_words)
    topic = corpus.topics[plan.topic]
    sentences = write_sentences(rng=rng, vocabulary=corpus.vocabulary, topic=topic, words=words)
    paragraphs = split_paragraphs(rng=rng, sentences=sentences, words=words)
    return Draft(plan=plan, title=write_title(rng=rng, topic=topic), sentences=paragraphs)


def _source(corpus: CorpusPlan, index: int) -> Draft:
    """An original essay again, exactly as it was first written."""
    return write_original(corpus=corpus, plan=corpus.essays[index], rng=corpus.essay_rng(index))


def _edit_token(*, rng: random.Random, vocabulary: Vocabulary, token: str, first: bool) -> str:
    core = token.rstrip(",.?")
    tail = token[len(core) :]
    while True:
        word = vocabulary.draw_content(rng, 1)[0] if tail.endswith((".", "?")) else vocabulary.draw(rng, 1)[0]
        if word != core.lower():
            return (_capitalise(word) if first else word) + tail


def edit_sentences(*, rng: random.Random, vocabulary: Vocabulary, sentences: list[str], rate: float) -> list[str]:
    """About `rate` of the words edited: mostly substituted, some deleted, some inserted."""
    edited = []
    for sentence in sentences:
        tokens = sentence.split()
        out: list[str] = []
        last = len(tokens) - 1
        for position, token in enumerate(tokens):
            if rng.random() >= rate:
                out.append(token)
                continue
            operation = rng.random()
            if operation < 0.8 or position in (0, last):
                out.append(_edit_token(rng=rng, vocabulary=vocabulary, token=token, first=position == 0))
            elif operation < 0.9:
                continue  # deleted
            else:
                out.extend((token, vocabulary.draw(rng, 1)[0]))
        edited.append(" ".join(out))
    return edited


def first_half(source: Draft) -> list[list[str]]:
    """The source's opening sentences, up to about half its words: a prefix of its text."""
    total = sum(len(s.split()) for paragraph in source.sentences for s in paragraph)
    kept: list[list[str]] = []
    words = 0
    for paragraph in source.sentences:
        kept.append([])
        for sentence in paragraph:
            kept[-1].append(sentence)
            words += len(sentence.split())
            if words * 2 >= total:
                return kept
    return kept


def with_extracts(*, rng: random.Random, corpus: CorpusPlan, plan: EssayPlan, source: Draft) -> Draft:
    """An essay of its own with several passages of the source's sentences set in as paragraphs."""
    flat = [sentence for paragraph in source.sentences for sentence in paragraph]
    count = min(rng.randint(*EXTRACT_PASSAGES), len(flat))
    stride = len(flat) / count
    passages = []
    for i in range(count):
        low, high = round(stride * i), round(stride * (i + 1))
        length = min(rng.randint(*EXTRACT_SENTENCES), high - low)
        start = rng.randint(low, high - length)
        passages.append(flat[start : start + length])
    copied = sum(len(s.split()) for passage in passages for s in passage)
    target = rng.randint(corpus.min_words, corpus.max_words)
    own = write_original(corpus=corpus, plan=plan, rng=rng, words=max(corpus.min_words // 2, target - copied))
    paragraphs = list(own.sentences)
    slots = sorted(rng.sample(range(1, len(paragraphs) + 1), min(count, len(paragraphs))), reverse=True)
    for slot, passage in zip(slots, reversed(passages), strict=False):
        paragraphs.insert(slot, passage)
    return Draft(plan=plan, title=own.title, sentences=paragraphs)


def interleave(first: Draft, second: Draft) -> list[list[str]]:
    """Paragraphs taken in turn from two essays, each keeping its own paragraph positions."""
    out = []
    for position in range(max(len(first.sentences), len(second.sentences))):
        source = first if position % 2 == 0 else second
        if position < len(source.sentences):
            out.append(source.sentences[position])
    return out


def write_essay(*, corpus: CorpusPlan, index: int) -> Draft:
    plan = corpus.essays[index]
    rng = corpus.essay_rng(index)
    if plan.copy_kind == ORIGINAL:
        return write_original(corpus=corpus, plan=plan, rng=rng)
    assert plan.copy_of is not None  # noqa: S101 - every copy kind has a source
    source = _source(corpus, plan.copy_of)
    if plan.copy_kind == EXACT:
        return Draft(plan=plan, title=source.title, sentences=source.sentences)
    if plan.copy_kind == EDITED:
        vocabulary = corpus.vocabulary
        paragraphs = [
            edit_sentences(rng=rng, vocabulary=vocabulary, sentences=p, rate=EDIT_RATE) for p in source.sentences
        ]
        return Draft(plan=plan, title=source.title, sentences=paragraphs)
    if plan.copy_kind == FIRST_HALF:
        return Draft(plan=plan, title=source.title, sentences=first_half(source))
    if plan.copy_kind == EXTRACTS:
        return with_extracts(rng=rng, corpus=corpus, plan=plan, source=source)
    if plan.copy_kind == INTERLEAVED:
        assert plan.copy_of_second is not None  # noqa: S101
        title = write_title(rng=rng, topic=corpus.topics[plan.topic])
        return Draft(plan=plan, title=title, sentences=interleave(source, _source(corpus, plan.copy_of_second)))
    raise ValueError(f"Unknown copy kind {plan.copy_kind!r}")
