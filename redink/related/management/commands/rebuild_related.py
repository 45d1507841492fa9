"""python manage.py rebuild_related [--quiet]"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from redink.catalogue.models import Essay
from redink.core.progress import ProgressBar
from redink.related.services import related_rebuild


class Command(BaseCommand):
    help = "Recompute every related-essay list (signatures, term statistics and lists) from the published essays."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Essay.objects.published().count()
        bar = ProgressBar(total=total, label="Relating", stream=sys.stderr, enabled=not options["quiet"])
        started = time.monotonic()
        count = related_rebuild(progress=bar.update)
        bar.finish()
        self.stdout.write(f"Recomputed the related lists of {count:,} essays in {time.monotonic() - started:.1f}s.")
