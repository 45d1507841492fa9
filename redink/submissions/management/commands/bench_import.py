"""Benchmark uploads and imports: extraction per format against the raw library call, the duplicate
check per essay and the index's size, and bulk import of generated essays written as .txt files.

    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 python manage.py bench_import --essays 2000

Run it on a database of its own: it imports the essays it generates. Figures are medians, and the
extraction figures are ratios against the library call measured in the same run.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import override_settings

from redink.catalogue.models import Essay
from redink.corpus.plan import build_plan
from redink.corpus.text import write_essay
from redink.corpus.writer import corpus_write_files
from redink.submissions.bench.extraction import measure_extraction
from redink.submissions.bench.index import in_memory_reference, stored_size, time_checks

FULL_SIZE = 160_000


class Command(BaseCommand):
    help = "Benchmark extraction, the duplicate check and bulk import (on a database of its own)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--essays", type=int, default=2000, help="Generated essays to import (default 2,000).")
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--documents", type=int, default=12, help="Documents per format for extraction.")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--checks", type=int, default=300, help="Duplicate checks timed.")
        parser.add_argument("--json", type=Path, help="Write the figures here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Essay.objects.exists():
            raise CommandError("Run this on an empty database of its own: it imports the essays it generates.")
        out = self.stdout.write
        backend = cast(dict[str, Any], settings.TASKS["default"])["BACKEND"]
        report: dict[str, Any] = {"database": connection.vendor, "tasks": backend}

        corpus = build_plan(seed=options["seed"], essays=options["essays"])
        drafts = [write_essay(corpus=corpus, index=i) for i in range(min(options["documents"], len(corpus)))]
        extraction = measure_extraction(documents=[(d.title, d.paragraphs) for d in drafts], rounds=options["rounds"])
        report["extraction"] = extraction
        out("Extraction, median per document (ours / the library alone):")
        for fmt, row in extraction.items():
            if "not_measured" in row:
                out(f"  {fmt:5} not measured: {row['not_measured']}")
                continue
            ratio = f"{row['raw_ms']:7.2f} ms raw  ratio {row['ratio']:.2f}" if "ratio" in row else "(no raw reference)"
            out(f"  {fmt:5} {row['ours_ms']:7.2f} ms ours  {ratio}   ({row['bytes'] / 1024:.0f} KB files)")

        with tempfile.TemporaryDirectory(prefix="redink-bench-import-") as folder:
            root = Path(folder)
            corpus_write_files(corpus=corpus, out_dir=root, batch_size=500)
            manifest = self.manifest(root)
            started = time.perf_counter()
            log = io.StringIO()
            # As in production: with DEBUG on, Django would log every query of the import.
            with override_settings(DEBUG=False):
                call_command("import_essays", str(root / "essays"), "--manifest", str(manifest), "--quiet", stdout=log)
            seconds = time.perf_counter() - started
            texts = [path.read_text() for path in sorted((root / "essays").glob("*.txt"))[: options["checks"]]]
        *_, summary, phases = log.getvalue().strip().splitlines()
        rate = options["essays"] / seconds
        report["import"] = {
            "essays": options["essays"],
            "seconds": seconds,
            "essays_per_second": rate,
            "estimated_full_size_minutes": FULL_SIZE / rate / 60,
            "summary": summary,
            "phases": phases,
        }
        out(
            f"\nBulk import of {options['essays']:,} .txt files, search index included: {seconds:.1f} s ({rate:,.0f} essays/s)"
        )
        out(f"  {summary}")
        out(f"  {phases}")
        if options["essays"] < FULL_SIZE:
            out(f"  linear estimate at {FULL_SIZE:,}: {report['import']['estimated_full_size_minutes']:.0f} minutes")

        fresh = build_plan(seed=options["seed"] + 1000, essays=max(options["checks"] // 2, 1))
        unseen = [write_essay(corpus=fresh, index=i).body for i in range(len(fresh))]
        checks = time_checks(new=unseen, known=texts[: options["checks"] // 2])
        report["duplicate_check"] = checks
        out(
            f"\nDuplicate check (after extraction), {checks['checks']} texts: median {checks['median_ms']:.2f} ms, "
            f"p95 {checks['p95_ms']:.2f} ms"
        )
        for group, label in (("new", "original texts (a usual upload)"), ("known", "copies of library texts")):
            row = checks[group]
            out(f"  {row['checks']} {label}: median {row['median_ms']:.2f} ms, p95 {row['p95_ms']:.2f} ms")
        size = stored_size()
        memory = in_memory_reference(texts)
        report["index"] = {"stored": size, "in_memory_reference": memory}
        if size.get("bytes"):
            out(
                f"Index in the database: {size['bytes'] / 2**20:.1f} MB for {size['signatures']:,} texts "
                f"({size['bytes_per_text']:.0f} bytes each; {size['bytes_per_text'] * FULL_SIZE / 2**30:.2f} GB at "
                f"{FULL_SIZE:,}); no process holds it in memory"
            )
        out(
            f"Reference: datasketch MinHashLSH in memory, same bands: {memory['bytes_per_text']:.0f} bytes per text "
            f"({memory['bytes_per_text'] * FULL_SIZE / 2**20:.0f} MB at {FULL_SIZE:,})"
        )
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2))

    @staticmethod
    def manifest(root: Path) -> Path:
        """The generator's labels as an import manifest (path, title, level, subject, section)."""
        manifest = root / "manifest.csv"
        with (root / "labels.csv").open(newline="") as labels, manifest.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("path", "title", "level", "subject", "section"))
            for row in csv.DictReader(labels):
                writer.writerow(
                    (f"essays/{row['index']}.txt", row["title"], row["level"], row["subject"], row["section"])
                )
        return manifest
