"""python manage.py requeue_submissions [--older-than MINUTES]: uploads stuck in processing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from redink.submissions.models import Submission
from redink.submissions.services.processing import PROCESSABLE
from redink.submissions.tasks import process_submission


class Command(BaseCommand):
    help = (
        "Queue again every upload still waiting to be processed after a while: its task was lost "
        "(a worker killed mid-way, a queue emptied). Processing is safe to repeat. Run it from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=int, default=10, help="Minutes since the upload last changed (default 10)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=options["older_than"])
        stuck = Submission.objects.filter(status__in=PROCESSABLE, updated_at__lt=cutoff).order_by("pk")
        ids = list(stuck.values_list("pk", flat=True))
        for submission_id in ids:
            process_submission.enqueue(submission_id)
        self.stdout.write(f"Queued {len(ids)} upload(s) again.")
