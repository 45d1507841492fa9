import sys
import time

from django.core.management.base import BaseCommand, CommandParser

from redink.catalogue.models import Essay
from redink.core.progress import ProgressBar
from redink.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every published essay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: object, **options: object) -> None:
        total = Essay.objects.published().count()
        bar = ProgressBar(total=total, label="Indexing", stream=sys.stderr, enabled=not options["quiet"])
        started = time.monotonic()
        count = search_rebuild(progress=bar.update)
        bar.finish()
        self.stdout.write(f"Indexed {count} essays in {time.monotonic() - started:.1f}s.")
