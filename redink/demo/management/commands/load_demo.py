from django.core.management.base import BaseCommand, CommandError

from redink.demo.library import DEMO_PASSWORD, NotInDemoMode, create_demo_accounts, load_demo_library
from redink.submissions.originality.essays import essays_sign


class Command(BaseCommand):
    help = "Load the demo library and create the demo accounts (demo mode only). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--essays-only", action="store_true", help="Load the essays, make no accounts.")

    def handle(self, *args: object, **options: object) -> None:
        created, updated = load_demo_library()
        self.stdout.write(f"Demo library: {created} essays added, {updated} already there (refreshed).")
        # Every published essay, the demo's or not, is in the originality index: this back-fills
        # a database made before every way into the library signed its essays.
        signing = essays_sign()
        if signing.signed or signing.dropped:
            self.stdout.write(f"Originality index: {signing.signed} essays signed, {signing.dropped} dropped.")
        if options["essays_only"]:
            return
        try:
            accounts = create_demo_accounts()
        except NotInDemoMode as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<10} {account.email}")
        self.stdout.write("")
