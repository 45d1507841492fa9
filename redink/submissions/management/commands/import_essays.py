"""python manage.py import_essays <files or folders> [--manifest metadata.csv] [--level L --subject S --section X]"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from more_itertools import chunked

from redink.core.parallel import WorkFailed, default_workers, forks_workers, ordered_map, run_isolated
from redink.core.progress import ProgressBar
from redink.submissions.extract import EXTENSIONS
from redink.submissions.services.imports import (
    ImportItem,
    ImportResult,
    Prepared,
    check_prior,
    import_batch,
    import_finish,
    prepare_failed,
    prepare_import,
)

MANIFEST_COLUMNS = ("path", "title", "level", "subject", "section", "author_email", "exam_board", "year", "grade")
LABELS = {
    "imported": "imported",
    "refused": "refused as a copy",
    "flagged": "flagged for review",
    "failed": "failed",
    "skipped": "done in an earlier run",
}


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


class Command(BaseCommand):
    help = (
        "Import essays from files or folders (with a CSV manifest of metadata) through the same extraction and "
        "originality checks as uploads. Resumable: a re-run skips what is done."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Files, or folders searched for documents.")
        parser.add_argument("--manifest", type=Path, help="CSV: " + ",".join(MANIFEST_COLUMNS))
        parser.add_argument("--level", default="", help="Level for files the manifest does not name one for.")
        parser.add_argument("--subject", default="")
        parser.add_argument("--section", default="")
        parser.add_argument("--report", type=Path, help="Also write the report as CSV to this file.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Processes reading and extracting files (default: CPUs, at most 4; 1 for none).",
        )
        parser.add_argument(
            "--batch-size",
            type=_at_least_one,
            default=100,
            help="Files written per transaction (default 100): a killed run loses at most one batch.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        defaults = {"level": options["level"], "subject": options["subject"], "section": options["section"]}
        rows = read_manifest(options["manifest"]) if options["manifest"] else {}
        files = collect_files(options["paths"]) if options["paths"] else list(rows)
        if not files:
            raise CommandError("Nothing to import: name files or folders, or a manifest that lists files.")
        quiet = options["quiet"]
        progress = ProgressBar(total=len(files), label="Importing", stream=sys.stderr, enabled=not quiet)
        results: list[ImportResult] = []
        items: list[ImportItem] = []
        for path in files:
            try:
                items.append(import_item(path=path, row=rows.get(path.resolve(), {}), defaults=defaults))
            except ValueError as problem:
                results.append(ImportResult(path=str(path), outcome="failed", message=str(problem)))
        progress.update(len(results))
        sections: dict[tuple[str, str, str], Any] = {}
        started = time.monotonic()
        for batch in chunked(prepared_in_order(items, workers=options["workers"]), options["batch_size"]):
            results.extend(import_batch(batch=batch, sections=sections))
            progress.update(len(results))
        progress.finish()
        imported = time.monotonic() - started
        indexing = ProgressBar(total=0, label="Indexing", stream=sys.stderr, enabled=not quiet)
        refreshed = import_finish(progress=indexing.update)
        indexing.finish()
        self.report(results, seconds=time.monotonic() - started, csv_path=options["report"])
        self.stdout.write(
            f"Checked and written in {imported:.1f} s; {refreshed.essays:,} imported essays then indexed for search "
            f"({refreshed.search}) in {time.monotonic() - started - imported:.1f} s"
            + (
                f", and the related lists of {refreshed.related_levels} level(s) queued for a rebuild by the worker."
                if refreshed.related_levels
                else "."
            )
        )

    def report(self, results: list[ImportResult], *, seconds: float, csv_path: Path | None) -> None:
        counts = Counter(r.outcome for r in results)
        for result in results:
            if result.outcome == "imported":
                line = f"{LABELS['imported']:<22} {result.path} → {result.essay_url}"
            elif result.outcome == "skipped":
                earlier = LABELS.get(result.earlier, result.earlier)
                line = f"{LABELS['skipped']:<22} {result.path} ({earlier}: {result.message})"
            else:
                line = f"{LABELS[result.outcome]:<22} {result.path}: {result.message}"
            self.stdout.write(line)
        summary = ", ".join(f"{LABELS[k]} {counts[k]:,}" for k in LABELS if counts[k])
        rate = len(results) / max(seconds, 1e-9)
        self.stdout.write(f"\n{len(results):,} files in {seconds:.1f} s ({rate:,.0f} files/s): {summary}.")
        if csv_path is not None:
            with csv_path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(("path", "outcome", "message", "earlier"))
                writer.writerows((r.path, r.outcome, r.message, r.earlier) for r in results)


def read_manifest(manifest: Path) -> dict[Path, dict[str, str]]:
    """Manifest rows by resolved file path (relative paths are relative to the manifest's folder)."""
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or "path" not in reader.fieldnames:
                raise CommandError(f"{manifest} has no “path” column (columns: {', '.join(MANIFEST_COLUMNS)}).")
            rows = {}
            for row in reader:
                path = Path(row["path"].strip())
                rows[(path if path.is_absolute() else manifest.parent / path).resolve()] = {
                    k: (v or "").strip() for k, v in row.items() if k
                }
            return rows
    except OSError as problem:
        raise CommandError(f"Cannot read the manifest: {problem}") from problem


def collect_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower().lstrip(".") in EXTENSIONS]
            files.extend(sorted(found, key=_natural))
        else:
            files.append(path)
    return [f.resolve() for f in files]


def _natural(path: Path) -> tuple[Any, ...]:
    """1.txt, 2.txt, 10.txt: numbers in names sort as numbers."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path)))


def import_item(*, path: Path, row: dict[str, str], defaults: dict[str, str]) -> ImportItem:
    level, subject, section = (row.get(k) or defaults[k] for k in ("level", "subject", "section"))
    if not (level and subject and section):
        raise ValueError("no level, subject and section: give them in the manifest or with --level/--subject/--section")
    year_text = row.get("year", "")
    if year_text and not year_text.isdigit():
        raise ValueError(f"the year “{year_text}” is not a number")
    return ImportItem(
        path=path,
        level=level,
        subject=subject,
        section=section,
        title=row.get("title", ""),
        author_email=row.get("author_email", ""),
        exam_board=row.get("exam_board", ""),
        year=int(year_text) if year_text else None,
        grade=row.get("grade", ""),
    )


def prepared_in_order(items: list[ImportItem], *, workers: int) -> Iterator[Prepared]:
    """Each item prepared (read, extracted, shingled), in order, by `workers` forked processes,
    which also check it against the library as committed so far when they are forked workers
    with connections of their own (not children of a process inside a transaction, as in tests,
    whose writes they cannot see).

    A chunk of files that runs past REDINK_EXTRACT_TIMEOUT_SECONDS, or crashes its worker, is
    killed and prepared again a file at a time, each in a child of its own with the same limit:
    the file built to be slow is then recorded as one that could not be processed in time."""
    pooled = forks_workers(workers)
    jobs = ((chunk, pooled) for chunk in chunked(items, 25))
    seconds = settings.REDINK_EXTRACT_TIMEOUT_SECONDS
    for chunk in ordered_map(_prepare_chunk, jobs, workers=workers, timeout=seconds, on_failure=_prepare_each):
        yield from chunk


def _prepare_chunk(job: tuple[list[ImportItem], bool]) -> list[Prepared]:
    items, check = job
    prepared = [prepare_import(item=item) for item in items]
    return [check_prior(prepared=p) for p in prepared] if check else prepared


def _prepare_one(item: ImportItem) -> Prepared:
    return prepare_import(item=item)  # run_isolated hands its job over positionally


def _prepare_each(job: tuple[list[ImportItem], bool], reason: str) -> list[Prepared]:
    seconds = settings.REDINK_EXTRACT_TIMEOUT_SECONDS
    prepared = []
    for item in job[0]:
        try:
            prepared.append(run_isolated(_prepare_one, item, timeout=seconds))
        except WorkFailed as failure:
            prepared.append(prepare_failed(item=item, reason=failure.reason))
    return prepared
