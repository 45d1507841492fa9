"""`manage.py warm_database`: read the site's tables into the operating system's cache (redink.ops.warm)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from redink.ops.warm import warm_database


class Command(BaseCommand):
    help = (
        "Read the site's tables and indexes into the operating system's cache, so that the first "
        "pages after a machine's restart are not read from disk one row at a time. `make prod-up` "
        "runs it; run it after restarting the database server's machine."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        warmed = warm_database()
        if warmed.skipped_because:
            self.stderr.write(warmed.summary())
        elif options["verbosity"] > 0:
            self.stdout.write(warmed.summary())
