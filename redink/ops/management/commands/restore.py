"""`manage.py restore ARCHIVE [--force] [--check]`: put a backup back (redink.ops.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from redink.ops.backup import BackupError, Say, backup_contents, backup_restore, backup_verify, quiet


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this site's database (DATABASE_URL), "
        "MEDIA_ROOT and REDINK_SUBMISSION_FILES_DIR, then check every file and the row counts "
        "against its manifest. Stop the web processes and workers first."
    )
    # The checks would judge the empty database the restore is about to fill.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz that `manage.py backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database or the file directories are not empty, replacing what the backup holds.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only read the archive and check it is whole; touch neither the database nor the files.",
        )

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"])).expanduser()
        say: Say = self.stdout.write if int(str(options["verbosity"])) > 0 else quiet
        try:
            if options["check"]:
                manifest = backup_verify(archive=archive)
            else:
                manifest = backup_restore(archive=archive, force=bool(options["force"]), say=say)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(f"Could not use the database (DATABASE_URL): {error}".strip()) from None
        contents = backup_contents(manifest)
        made = f"made {manifest['created_at']} by Redink {manifest['redink_version']}"
        if options["check"]:
            self.stdout.write(self.style.SUCCESS(f"{archive} is whole: {contents}, {made}."))
            return
        self.stdout.write(self.style.SUCCESS(f"Restored {contents} from {archive} ({made})."))
        self.stdout.write("Next: `manage.py migrate` (if this release is newer than the backup), then start the site.")
