"""Re-read every live subscription from Stripe and repair entitlements that drifted.

Schedule it; django-tasks has no scheduler of its own. Either a cron line on one machine:

    17 * * * *  cd /srv/redink && .venv/bin/python manage.py reconcile_subscriptions --quiet

or, where there is no cron (a container), a long-running process that repeats it:

    python manage.py reconcile_subscriptions --every 3600

In test mode (no Stripe keys) it also renews and ends test-mode subscriptions whose period
is over, as Stripe's own billing would.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redink.billing.gateway import PaymentsUnavailable
from redink.billing.reconcile import subscriptions_reconcile


class Command(BaseCommand):
    help = "Re-read every live subscription from Stripe and repair entitlements that drifted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (a worker loop); 0 runs once.")
        parser.add_argument("--quiet", action="store_true", help="Print only repairs and failures.")

    def handle(self, *args: object, **options: object) -> None:
        every = int(options["every"])  # type: ignore[call-overload]
        if every < 0:
            raise CommandError("--every must be 0 or a positive number of seconds.")
        if not every:
            self._run_once(quiet=bool(options["quiet"]))
            return
        while True:  # a worker loop: one bad round is reported, and the next one runs anyway
            try:
                self._run_once(quiet=bool(options["quiet"]))
            except CommandError as exc:
                self.stderr.write(str(exc))
            time.sleep(every)

    def _run_once(self, *, quiet: bool) -> None:
        try:
            report = subscriptions_reconcile()
        except PaymentsUnavailable as exc:
            raise CommandError(f"{exc}. Set STRIPE_SECRET_KEY (see .env.example).") from exc
        for stripe_id in report.repaired:
            self.stdout.write(f"repaired {stripe_id}")
        for stripe_id, reason in report.failed.items():
            self.stderr.write(f"could not read {stripe_id}: {reason}")
        if not quiet:
            renewed = f", {report.renewed_in_test_mode} test-mode renewals" if report.renewed_in_test_mode else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checked {report.checked} subscriptions: {len(report.repaired)} repaired, "
                    f"{len(report.failed)} could not be read{renewed}."
                )
            )
        if report.failed:
            raise CommandError(f"{len(report.failed)} subscriptions could not be read from Stripe.")
