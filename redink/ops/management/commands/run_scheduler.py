"""python manage.py run_scheduler [--once] [--list] [--tick SECONDS]: the periodic jobs.

One long-running process per site, beside the web and worker processes; SIGTERM lets the job in
hand finish, then exits. The jobs and their intervals are listed in `redink/ops/scheduler.py`.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redink.ops.scheduler import JOBS, Scheduler


class Command(BaseCommand):
    help = "Run Redink's periodic jobs (requeues, subscription reconciliation, clean-ups) on their intervals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due, then exit.")
        parser.add_argument("--list", action="store_true", help="List the jobs and their intervals, then exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between looks for due jobs (default 5).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for job in JOBS:
                self.stdout.write(f"{job.name:<26} every {_every(job.every.total_seconds()):<10} {job.why}")
            return
        if options["tick"] <= 0:
            raise CommandError("--tick must be a positive number of seconds.")
        scheduler = Scheduler(tick=options["tick"])
        if options["once"]:
            ran = scheduler.run_due()
            self.stdout.write(f"Ran {len(ran)} job(s): {', '.join(ran) or 'none was due'}.")
            return

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stdout.write("Stopping after the job in hand.")
            scheduler.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {scheduler.holder} running {len(JOBS)} jobs (run_scheduler --list).")
        scheduler.run_forever()


def _every(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}" + ("s" if count > 1 else "")
    return f"{seconds:g} s"
