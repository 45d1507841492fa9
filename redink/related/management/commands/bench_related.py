"""Related-essay benchmark: precision@8 against a newest-in-section reference, rebuild time,
and what the related block adds to the essay page.

    python manage.py generate_corpus --essays 2000 --seed 1
    DEBUG=0 SECRET_KEY=… STATIC_MANIFEST=0 python manage.py bench_related --json bench-related.json

Page times are taken with DEBUG off, as in production (in demo mode the template engine runs
in debug mode and every page is slower); `--check` fails the command when a target is missed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from redink.catalogue.models import Essay
from redink.core.progress import ProgressBar
from redink.related.bench import (
    essays_with_full_lists,
    labelled_topics,
    newest_in_section_quality,
    page_timing,
    related_quality,
    time_rebuild,
)
from redink.related.services import related_rebuild

TARGETS = {
    "precision_at_8": 0.8,  # at least
    "points_above_newest_in_section": 20.0,  # at least
    "extrapolated_160k_minutes": 60.0,  # at most
    "page_added_percent": 5.0,  # at most
}


class Command(BaseCommand):
    help = "Benchmark related essays on a generate_corpus library: quality, rebuild time, page time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--skip-rebuild", action="store_true", help="Measure the lists as they are.")
        parser.add_argument("--pages", type=int, default=200, help="Essay pages timed (default 200).")
        parser.add_argument("--rounds", type=int, default=10, help="Requests per page each way (default 10).")
        parser.add_argument("--json", type=Path, help="Write the figures here.")
        parser.add_argument("--check", action="store_true", help="Exit with an error when a target is missed.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Essay.objects.published().count()
        topics = labelled_topics()
        if not topics:
            raise CommandError("No labelled essays: run generate_corpus first.")
        report: dict[str, Any] = {"database": connection.vendor, "published_essays": total}
        if not options["skip_rebuild"]:
            bar = ProgressBar(total=total, label="Relating", stream=sys.stderr)
            report["rebuild"] = time_rebuild(lambda: related_rebuild(progress=bar.update))
            bar.finish()
        ours, reference = related_quality(topics), newest_in_section_quality(topics)
        report["related"] = ours.as_dict()
        report["newest_in_section"] = reference.as_dict()
        report["points_above_newest_in_section"] = round(100 * (ours.precision - reference.precision), 1)
        sample = essays_with_full_lists(limit=options["pages"])
        if sample:
            report["page"] = page_timing(essay_ids=sample, rounds=options["rounds"])
        report["targets"] = self._targets(report)
        self.stdout.write(json.dumps(report, indent=2))
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")
        missed = [name for name, result in report["targets"].items() if result["met"] is False]
        if options["check"] and missed:
            raise CommandError(f"Targets missed: {', '.join(missed)}")

    @staticmethod
    def _targets(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
        measured = {
            "precision_at_8": report["related"]["precision"],
            "points_above_newest_in_section": report["points_above_newest_in_section"],
            "extrapolated_160k_minutes": report.get("rebuild", {}).get("extrapolated_160k_minutes"),
            "page_added_percent": report.get("page", {}).get("added_percent"),
        }
        results = {}
        for name, target in TARGETS.items():
            value = measured[name]
            at_most = name in ("extrapolated_160k_minutes", "page_added_percent")
            met = None if value is None else (value <= target if at_most else value >= target)
            results[name] = {"measured": value, "target": f"{'<=' if at_most else '>='} {target}", "met": met}
        return results
