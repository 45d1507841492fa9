"""python manage.py generate_corpus --essays N --seed S [--out DIR] [--batch-size B]"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from redink.core.progress import ProgressBar
from redink.corpus.plan import DEFAULT_COPY_RATE, DEFAULT_WORDS, build_plan
from redink.corpus.writer import (
    CorpusExistsError,
    corpus_delete,
    corpus_essay_count,
    corpus_write_database,
    corpus_write_files,
)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def _seed(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


class Command(BaseCommand):
    help = (
        "Generate a deterministic, topic-labelled synthetic corpus of essays, into the database "
        "(published, with corpus labels) or, with --out, as text files and a labels CSV."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--essays", type=_positive, help="How many essays (required unless --delete).")
        parser.add_argument("--seed", type=_seed, default=1, help="Same arguments, same corpus (default 1).")
        parser.add_argument("--out", type=Path, help="Write DIR/essays/<index>.txt and DIR/labels.csv instead.")
        parser.add_argument("--batch-size", type=_positive, default=500, help="Essays a transaction (default 500).")
        parser.add_argument("--min-words", type=_positive, default=DEFAULT_WORDS[0], help="Default 1000.")
        parser.add_argument("--max-words", type=_positive, default=DEFAULT_WORDS[1], help="Default 2000.")
        parser.add_argument("--topics", type=_positive, help="Number of topics (default: essays/40, 10 to 400).")
        parser.add_argument(
            "--copy-rate", type=float, default=DEFAULT_COPY_RATE, help="Share of seeded copies (default 0.025)."
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=min(4, os.cpu_count() or 1),
            help="Processes rendering essays; the output does not depend on it (default: CPUs, at most 4).",
        )
        parser.add_argument("--delete", action="store_true", help="Remove this seed's corpus from the database.")
        parser.add_argument("--quiet", action="store_true", help="No progress line.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        seed: int = options["seed"]
        # The stream under Django's wrapper, which would end every redraw with a newline.
        stream = cast(TextIO, self.stderr._out)
        bar = partial(ProgressBar, stream=stream, enabled=not options["quiet"], unit="essays")
        if options["delete"]:
            progress = bar(total=corpus_essay_count(seed=seed), label="Deleting")
            try:
                deleted = corpus_delete(seed=seed, progress=progress.update)
            finally:
                progress.finish()
            self.stdout.write(f"Removed {deleted:,} essays of the corpus for seed {seed}.")
            return
        if not options["essays"]:
            raise CommandError("--essays N is required.")
        if options["min_words"] > options["max_words"]:
            raise CommandError("--min-words must not be more than --max-words.")
        if not 0 <= options["copy_rate"] < 0.5:
            raise CommandError("--copy-rate must be between 0 and 0.5.")

        corpus = build_plan(
            seed=seed,
            essays=options["essays"],
            topics=options["topics"],
            copy_rate=options["copy_rate"],
            min_words=options["min_words"],
            max_words=options["max_words"],
        )
        out: Path | None = options["out"]
        progress = bar(total=len(corpus), label="Generating")
        common = {"corpus": corpus, "batch_size": options["batch_size"], "workers": options["workers"]}
        try:
            if out is not None:
                written = corpus_write_files(out_dir=out, progress=progress.update, **common)
            else:
                written = corpus_write_database(progress=progress.update, **common)
        except CorpusExistsError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.finish()

        seconds = time.monotonic() - started
        copies = Counter(e.copy_kind for e in corpus.essays if e.copy_kind)
        where = str(out) if out is not None else "the database"
        self.stdout.write(
            f"Wrote {written:,} essays (seed {seed}) to {where} in {seconds:.1f} s "
            f"({written / max(seconds, 1e-9):,.0f} essays/s): {len(corpus.topics)} topics, "
            f"{len(corpus.sections)} sections, {sum(copies.values())} seeded copies "
            f"({', '.join(f'{kind} {n}' for kind, n in sorted(copies.items())) or 'none'})."
        )
