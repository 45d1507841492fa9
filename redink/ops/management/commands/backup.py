"""`manage.py backup [--output PATH]`: the database and every uploaded file in one archive (redink.ops.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from redink.ops.backup import BackupError, Say, backup_contents, backup_create, quiet


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) with MEDIA_ROOT and "
        "REDINK_SUBMISSION_FILES_DIR into one .tar.gz with a manifest of checksums. "
        "The site may keep serving while it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default=".",
            help="The archive to write, or a directory to write redink-backup-<date>.tar.gz in (default: here).",
        )

    def handle(self, *args: object, **options: object) -> None:
        destination = Path(str(options["output"])).expanduser()
        if destination.is_dir():
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            destination = destination / f"redink-backup-{stamp}.tar.gz"
        if destination.exists():
            raise CommandError(f"{destination} already exists: a backup never overwrites a file.")
        say: Say = self.stdout.write if int(str(options["verbosity"])) > 0 else quiet
        try:
            manifest = backup_create(destination=destination, say=say)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"Could not read the database: {error}".strip()) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up {backup_contents(manifest)} to {destination.resolve()}"))
