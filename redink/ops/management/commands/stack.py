"""`manage.py stack up|down|status`: the production stack on this machine (redink.ops.stack)."""

from django.core.management.base import BaseCommand, CommandError

from redink.ops.stack import main


class Command(BaseCommand):
    help = (
        "Start (up), stop (down) or show (status) the whole stack on loopback: migrations, gunicorn, "
        "a task worker, the scheduler and nginx on 127.0.0.1:8080, all recorded in .prod/."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["up", "down", "status"])
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo essays into an empty library.")

    def handle(self, *args: object, **options: object) -> None:
        argv = [str(options["action"]), *(["--no-demo"] if options["no_demo"] else [])]
        status = main(argv)
        if status not in (0, 3):
            raise CommandError(f"stack {options['action']} failed (status {status})", returncode=status)
