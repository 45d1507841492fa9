"""python manage.py rebuild_originality_index: recompute every stored signature and LSH band key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand

from redink.core.progress import ProgressBar
from redink.submissions.originality.rebuild import signatures_rebuild, signatures_total


class Command(BaseCommand):
    help = "Rebuild the originality index (MinHash signatures and LSH bands) of published essays and uploads in review."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(total=signatures_total(), label="Signing", stream=sys.stderr, enabled=not options["quiet"])
        done = signatures_rebuild(progress=bar.update)
        bar.finish()
        self.stdout.write(f"Stored signatures for {done:,} texts.")
