"""Re-anchoring benchmark: how long carrying an essay's margin comments to a new text takes.

    DATABASE_URL=sqlite:////tmp/bench-anchoring.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench-anchoring.sqlite3 python manage.py bench_anchoring --rounds 20

One essay of `--words` words from the corpus generator (`redink.corpus`), `--comments` comments on
random sentences, phrases and single words of it, and four edits of its text:

- `copy_edits`: a word changed in one sentence in every 200 words;
- `restructure`: a new paragraph inserted after the first, and a middle paragraph moved to the end;
- `corrected`: a fifth of the sentences rewritten (half reworded, half replaced outright);
- `replaced`: the whole text replaced by an unrelated essay (every comment is searched for, none
  found: the worst case for the searches).

For each edit, every round times (1) the placement alone (`TextDiff` of the two texts, then
`place` for each comment), (2) the whole `comments_reanchor` call on a saved essay (its queries,
the placement, the bulk update and the orphans' events), in a transaction rolled back after the
call, and two references in the same round: one `TextDiff` alone (the work every placement has to
do whatever the comments) and one plain `str.find` pass of every quote over the new text (the
cheapest conceivable search). Reported: median and max of each, the ratios, the comments' states,
and the verdict against the budget (the service's median; the max is shown beside it). A missed
budget is reported, not an error.

It creates its own essay, teacher and comments, and deletes them when it ends; run it on a
database of its own all the same (`make bench-anchoring` makes a scratch SQLite database).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from redink.catalogue.models import Essay, EssayRevision, Level, Section, Subject
from redink.catalogue.services import EssayText, essay_text, taxonomy_get_or_create, unique_essay_slug
from redink.corpus.plan import CorpusPlan, build_plan
from redink.corpus.text import edit_sentences, write_original, write_sentences
from redink.marking.anchoring import Quote, TextDiff, place, quote_at
from redink.marking.comments import comments_reanchor
from redink.marking.models import MarginComment

BUDGET_MS = 100.0
PLAN_ESSAYS = 20  # enough essays in the plan for one of another topic (the unrelated text)
WORDS_PER_COPY_EDIT = 200
CORRECTED_SHARE = 0.2  # of the sentences, rewritten in `corrected`
REWORD_RATE = 0.3  # of a reworded sentence's words, edited
INSERTED_WORDS = 150
STATES = ("exact", "edited", "fuzzy", "orphan")
TAXONOMY = {"level": "Benchmarks", "subject": "Anchoring", "section": "Margin comments"}

Paragraphs = list[list[str]]  # paragraphs of sentences


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    text: EssayText


def _body(paragraphs: Paragraphs) -> str:
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs)


def _sentence_spans(paragraphs: Paragraphs) -> list[tuple[int, int]]:
    """Where each sentence lies in `_body(paragraphs)`."""
    spans = []
    offset = 0
    for sentences in paragraphs:
        for sentence in sentences:
            spans.append((offset, offset + len(sentence)))
            offset += len(sentence) + 1
        offset += 1  # the blank line replaces the last sentence's space by two line breaks
    return spans


def _word_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The words of `text[start:end]`, without the punctuation that ends them."""
    spans = []
    offset = start
    for token in text[start:end].split(" "):
        core = token.rstrip(",.?;:")
        if core:
            spans.append((offset, offset + len(core)))
        offset += len(token) + 1
    return spans


def make_quotes(*, text: str, paragraphs: Paragraphs, count: int, rng: random.Random) -> list[Quote]:
    """`count` distinct passages a teacher might comment on: whole sentences (two in five),
    phrases of two to six words (two in five) and single words of five letters or more (one in
    five: a name, a term)."""
    sentences = _sentence_spans(paragraphs)
    quotes: dict[tuple[int, int], Quote] = {}
    attempts = 0
    while len(quotes) < count:
        attempts += 1
        if attempts > 100 * count:
            raise CommandError(f"Could not find {count} distinct passages in a text of {len(text):,} characters.")
        start, end = rng.choice(sentences)
        kind = rng.random()
        words = _word_spans(text, start, end)
        if kind < 0.4 or len(words) < 3:
            span = (start, end)
        elif kind < 0.8:
            length = rng.randint(2, min(6, len(words)))
            first = rng.randrange(len(words) - length + 1)
            span = (words[first][0], words[first + length - 1][1])
        else:
            long_words = [w for w in words if w[1] - w[0] >= 5] or words
            span = rng.choice(long_words)
        quotes.setdefault(span, quote_at(text, *span))
    return sorted(quotes.values(), key=lambda q: (q.start, q.end))


def _copy_edits(corpus: CorpusPlan, paragraphs: Paragraphs, rng: random.Random, words: int) -> Paragraphs:
    flat = [(p, s) for p, sentences in enumerate(paragraphs) for s in range(len(sentences))]
    edited = [list(sentences) for sentences in paragraphs]
    for p, s in rng.sample(flat, min(len(flat), max(1, words // WORDS_PER_COPY_EDIT))):
        tokens = edited[p][s].split(" ")
        position = rng.randrange(1, len(tokens) - 1) if len(tokens) > 2 else 0
        core = tokens[position].rstrip(",.?")
        while (word := corpus.vocabulary.draw_content(rng, 1)[0]) == core.lower():
            pass
        tokens[position] = word + tokens[position][len(core) :]
        edited[p][s] = " ".join(tokens)
    return edited


def _restructure(corpus: CorpusPlan, paragraphs: Paragraphs, rng: random.Random) -> Paragraphs:
    topic = corpus.topics[corpus.essays[0].topic]
    inserted = write_sentences(rng=rng, vocabulary=corpus.vocabulary, topic=topic, words=INSERTED_WORDS)
    edited = [list(sentences) for sentences in paragraphs]
    moved = edited.pop(len(edited) // 2)
    edited.append(moved)
    edited.insert(1, inserted)
    return edited


def _corrected(corpus: CorpusPlan, paragraphs: Paragraphs, rng: random.Random) -> Paragraphs:
    topic = corpus.topics[corpus.essays[0].topic]
    flat = [(p, s) for p, sentences in enumerate(paragraphs) for s in range(len(sentences))]
    edited = [list(sentences) for sentences in paragraphs]
    for n, (p, s) in enumerate(rng.sample(flat, round(CORRECTED_SHARE * len(flat)))):
        sentence = edited[p][s]
        if n % 2 == 0:
            edited[p][s] = edit_sentences(
                rng=rng, vocabulary=corpus.vocabulary, sentences=[sentence], rate=REWORD_RATE
            )[0]
        else:
            words = len(sentence.split())
            edited[p][s] = " ".join(write_sentences(rng=rng, vocabulary=corpus.vocabulary, topic=topic, words=words))
    return edited


def _unrelated(corpus: CorpusPlan, words: int) -> Paragraphs:
    own = corpus.essays[0].topic
    plan = next((e for e in corpus.essays[1:] if e.topic != own), corpus.essays[-1])
    return write_original(corpus=corpus, plan=plan, rng=corpus.essay_rng(plan.index), words=words).sentences


def build_case(*, seed: int, words: int, comments: int) -> tuple[EssayText, list[Quote], list[Scenario]]:
    """The essay's text, its comments' passages and the four edits, all from `seed`."""
    corpus = build_plan(seed=seed, essays=PLAN_ESSAYS)
    paragraphs = write_original(corpus=corpus, plan=corpus.essays[0], rng=corpus.essay_rng(0), words=words).sentences
    original = essay_text(text=_body(paragraphs))
    if original.body != _body(paragraphs):  # generated text is canonical already; the offsets rely on it
        raise RuntimeError("The generated essay is not in canonical form.")

    def rng(name: str) -> random.Random:
        return random.Random(f"redink-bench-anchoring:{seed}:{name}")  # noqa: S311 - test data

    quotes = make_quotes(text=original.body, paragraphs=paragraphs, count=comments, rng=rng("comments"))
    edits: list[tuple[str, str, Paragraphs]] = [
        (
            "copy_edits",
            f"one word changed in each of {max(1, words // WORDS_PER_COPY_EDIT)} sentences",
            _copy_edits(corpus, paragraphs, rng("copy_edits"), words),
        ),
        (
            "restructure",
            f"a new paragraph of {INSERTED_WORDS} words after the first, a middle paragraph moved to the end",
            _restructure(corpus, paragraphs, rng("restructure")),
        ),
        (
            "corrected",
            f"{CORRECTED_SHARE:.0%} of the sentences rewritten: half reworded, half replaced",
            _corrected(corpus, paragraphs, rng("corrected")),
        ),
        ("replaced", "the whole text replaced by an unrelated essay", _unrelated(corpus, words)),
    ]
    scenarios = [Scenario(name, description, essay_text(text=_body(p))) for name, description, p in edits]
    return original, quotes, scenarios


class EssayFixture:
    """A saved essay at text version 1 with the comments on it, and a way to time re-anchoring
    them to a new text without keeping anything: each call runs in a transaction rolled back."""

    def __init__(self, *, original: EssayText, quotes: list[Quote]) -> None:
        self.original = original
        self._created_level = not Level.objects.filter(name=TAXONOMY["level"]).exists()
        section = taxonomy_get_or_create(**TAXONOMY)
        self.teacher = get_user_model().objects.create_user(
            email=f"bench-anchoring-{uuid.uuid4().hex[:12]}@example.invalid", display_name="Benchmark teacher"
        )
        title = "Re-anchoring benchmark"
        self.essay = Essay.objects.create(
            title=title,
            slug=unique_essay_slug(title=title),
            section=section,
            subject_id=section.subject_id,
            level_id=section.subject.level_id,
            body=original.body,
            word_count=original.word_count,
            preview_lead=original.preview_lead,
            preview_extracts=original.preview_extracts,
            text_version=1,
            status=Essay.Status.PENDING,
        )
        MarginComment.objects.bulk_create(
            MarginComment(
                essay=self.essay,
                teacher=self.teacher,
                body=f"Comment {n}.",
                exact=q.exact,
                prefix=q.prefix,
                suffix=q.suffix,
                start=q.start,
                end=q.end,
                text_version=1,
                original_exact=q.exact,
            )
            for n, q in enumerate(quotes, start=1)
        )
        self.section = section

    def reanchor(self, new: EssayText) -> tuple[dict[str, int], float, float]:
        """Save `new` as the essay's text version 2 with version 1 kept as its revision (as
        `essay_save_text` does), then time `comments_reanchor` alone, and roll everything back.
        Returns the service's counts, and its wall-clock and CPU times in milliseconds (SQLite
        works in this process, so its CPU time counts the database's work too)."""
        with transaction.atomic():
            essay = Essay.objects.get(pk=self.essay.pk)
            essay.body, essay.word_count, essay.text_version = new.body, new.word_count, 2
            essay.save(update_fields=["body", "word_count", "text_version"])
            EssayRevision.objects.create(
                essay=essay, text_version=1, body=self.original.body, word_count=self.original.word_count
            )
            started, cpu_started = time.perf_counter(), time.process_time()
            counts = comments_reanchor(essay=essay)
            elapsed_ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu_started) * 1000
            transaction.set_rollback(True)
        return counts, elapsed_ms, cpu_ms

    def delete(self) -> None:
        self.essay.delete()  # its comments, revisions and their events go with it
        self.teacher.delete()
        if self._created_level:
            section = Section.objects.select_related("subject__level").get(pk=self.section.pk)
            subject, level = section.subject, section.subject.level
            section.delete()
            Subject.objects.filter(pk=subject.pk).delete()
            Level.objects.filter(pk=level.pk).delete()


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _summary(samples: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(samples), 3), "max_ms": round(max(samples), 3)}


def _place_all(quotes: list[Quote], old: str, new: str) -> list[str]:
    diff = TextDiff(old, new)
    return [place(q, old=old, new=new, diff=diff).state for q in quotes]


def _find_all(quotes: list[Quote], new: str) -> list[int]:
    return [new.find(q.exact) for q in quotes]


def measure(*, fixture: EssayFixture, quotes: list[Quote], scenario: Scenario, rounds: int) -> dict[str, Any]:
    old, new = fixture.original.body, scenario.text.body
    # Warm-up pass, which also gives the states.
    states = Counter(_place_all(quotes, old, new))
    service_counts, _, _ = fixture.reanchor(scenario.text)
    samples: dict[str, list[float]] = {
        "placement": [],
        "service": [],
        "service_cpu": [],
        "diff_alone": [],
        "find_all": [],
    }
    for _ in range(rounds):
        # Interleaved, so that a slow spell of the machine touches the references too.
        samples["diff_alone"].append(_ms(lambda: TextDiff(old, new)))
        samples["find_all"].append(_ms(lambda: _find_all(quotes, new)))
        samples["placement"].append(_ms(lambda: _place_all(quotes, old, new)))
        _, wall, cpu = fixture.reanchor(scenario.text)
        samples["service"].append(wall)
        samples["service_cpu"].append(cpu)
    summary = {name: _summary(values) for name, values in samples.items()}
    placement, service = summary["placement"]["median_ms"], summary["service"]["median_ms"]
    diff_alone, find_all = summary["diff_alone"]["median_ms"], summary["find_all"]["median_ms"]
    return {
        "description": scenario.description,
        "old_chars": len(old),
        "new_chars": len(new),
        "new_words": scenario.text.word_count,
        "states": {state: states.get(state, 0) for state in STATES},
        "service_states": {state: service_counts.get(state, 0) for state in STATES},
        **summary,
        # What the service adds to the placement: its queries, the ORM's bulk update, the events.
        "service_minus_placement_ms": round(service - placement, 3),
        "placement_to_diff_alone": round(placement / max(diff_alone, 1e-3), 2),
        "placement_to_find_all": round(placement / max(find_all, 1e-3), 1),
        "service_to_placement": round(service / max(placement, 1e-3), 2),
        "budget_ms": BUDGET_MS,
        "met": service <= BUDGET_MS,
        "max_within_budget": summary["service"]["max_ms"] <= BUDGET_MS,
    }


def profile_service(fixture: EssayFixture, scenario: Scenario, *, limit: int = 15) -> str:
    """cProfile of one `comments_reanchor` call (with its set-up), by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    fixture.reanchor(scenario.text)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


class Command(BaseCommand):
    help = "Benchmark re-anchoring margin comments to a new text of their essay (on a database of its own)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=20, help="Timed runs of each measure per edit (default 20).")
        parser.add_argument("--comments", type=int, default=50, help="Comments on the essay (default 50).")
        parser.add_argument("--words", type=int, default=2000, help="Words in the essay (default 2,000).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", type=Path, help="Write the figures here.")
        parser.add_argument(
            "--profile", action="store_true", help="Print a cProfile of one service call for each edit over budget."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = max(1, options["rounds"])
        original, quotes, scenarios = build_case(
            seed=options["seed"], words=options["words"], comments=options["comments"]
        )
        report: dict[str, Any] = {
            "database": connection.vendor,
            "words": original.word_count,
            "chars": len(original.body),
            "comments": len(quotes),
            "quote_chars_median": statistics.median(len(q.exact) for q in quotes),
            "rounds": rounds,
            "budget_ms": BUDGET_MS,
            "scenarios": {},
        }
        profiles: dict[str, str] = {}
        fixture = EssayFixture(original=original, quotes=quotes)
        try:
            for scenario in scenarios:
                row = measure(fixture=fixture, quotes=quotes, scenario=scenario, rounds=rounds)
                report["scenarios"][scenario.name] = row
                if options["profile"] and not row["max_within_budget"]:
                    profiles[scenario.name] = profile_service(fixture, scenario)
        finally:
            fixture.delete()
        self._print(report)
        for name, text in profiles.items():
            self.stdout.write(f"\ncProfile of one service call, {name}:\n{text}")
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")

    def _print(self, report: dict[str, Any]) -> None:
        out = self.stdout.write
        out(
            f"Re-anchoring {report['comments']} comments on an essay of {report['words']:,} words "
            f"({report['chars']:,} characters; median quote {report['quote_chars_median']:.0f} characters), "
            f"{report['database']}, {report['rounds']} rounds."
        )
        out(
            "placement = TextDiff + place() for every comment; service = comments_reanchor() on the saved essay "
            "(svc cpu: its CPU time); "
            "references in the same rounds: diff = one TextDiff alone, find = one str.find of every quote."
        )
        out(f"Budget: service median <= {BUDGET_MS:.0f} ms (its max is shown, and flagged when over).")
        out(
            f"{'edit':<12} {'placement med / max':>20} {'service med / max':>20} {'svc cpu':>8} {'svc-place':>9} {'diff':>8} "
            f"{'find':>6} {'place/diff':>10} {'svc/place':>9}  {'exact/edited/fuzzy/orphan':<25} verdict"
        )
        for name, row in report["scenarios"].items():
            states = "/".join(str(row["states"][s]) for s in STATES)
            if row["service_states"] != row["states"]:
                states += " (service: " + "/".join(str(row["service_states"][s]) for s in STATES) + ")"
            verdict = "PASS" if row["met"] else "FAIL"
            if row["met"] and not row["max_within_budget"]:
                verdict += " (max over budget)"
            out(
                f"{name:<12} {row['placement']['median_ms']:>9.2f} /{row['placement']['max_ms']:>8.2f} "
                f"{row['service']['median_ms']:>9.2f} /{row['service']['max_ms']:>8.2f} {row['service_cpu']['median_ms']:>8.2f} "
                f"{row['service_minus_placement_ms']:>9.2f} {row['diff_alone']['median_ms']:>8.2f} "
                f"{row['find_all']['median_ms']:>6.2f} {row['placement_to_diff_alone']:>9.2f}x "
                f"{row['service_to_placement']:>8.2f}x  {states:<25} {verdict}"
            )
        out("Times in ms (medians unless marked max).")
