"""The periodic jobs, in one place, and the loop that runs them (`manage.py run_scheduler`).

Every job is listed in `JOBS` with how often it runs and why it exists. Run one scheduler
process per site (running two is safe, not useful): each job is taken under a lease in the
database (`ScheduledJob`), in one conditional UPDATE, so two schedulers never run a job twice and
a restarted scheduler does not run again what ran a minute ago. The database, not Redis, holds
the lease, because two of the jobs exist to recover from Redis losing its queue.

Jobs run in the scheduler's own process, one after another: they are short, and they must run
even when the task queue is down.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, close_old_connections
from django.db.models import Q
from django.utils import timezone

from .models import FailedTask, ScheduledJob

logger = logging.getLogger(__name__)

# A job's lease outlives any sane run of it; a scheduler killed mid-job blocks that job this long at most.
LEASE = timedelta(minutes=30)
MESSAGE_KEPT = 4000


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]
    why: str


def command(name: str, *args: str) -> Callable[[], str]:
    """A job that runs a management command and keeps what it printed."""

    def run() -> str:
        out = StringIO()
        call_command(name, *args, stdout=out, stderr=out)
        return out.getvalue().strip() or "Done."

    return run


def requeue_unqueued_tasks() -> str:
    from .retries import unqueued_tasks_requeue

    waiting = FailedTask.objects.unqueued().count()
    if not waiting:
        return "No task waiting to be queued."
    queued = unqueued_tasks_requeue()
    return f"Queued {queued} of {waiting} task(s) that could not be queued before."


def reconcile_subscriptions() -> str:
    from redink.billing.gateway import billing_mode

    if billing_mode() == "off":
        return "Payments are not set up on this site: nothing to reconcile."
    return command("reconcile_subscriptions", "--quiet")()


def expire_data_exports() -> str:
    """A data export's link stops working at `expires_at`, but its archive was only deleted when
    someone used the link; this deletes the archives nobody came back for."""
    from redink.privacy.models import DataExport
    from redink.privacy.services_export import data_export_expire

    due = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=timezone.now())
    count = 0
    for export in due.iterator():
        data_export_expire(export=export)
        count += 1
    return f"Expired {count} data export(s)."


def prune_reading_history() -> str:
    """Reading history past its retention is deleted when its owner reads again; this deletes
    the history of those who stopped reading."""
    from redink.reading.models import HISTORY_KEPT, ReadingHistoryEntry

    deleted, _ = ReadingHistoryEntry.objects.filter(read_at__lt=timezone.now() - HISTORY_KEPT).delete()
    return f"Deleted {deleted} reading history entries older than {HISTORY_KEPT.days} days."


def prune_task_results() -> str:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return "Task results are not kept in the database."
    return command("prune_db_task_results", "--min-age-days", "14")()


def prune_failed_tasks() -> str:
    """Failed tasks that later succeeded are kept a month, as a record; the failed ones stay."""
    cutoff = timezone.now() - timedelta(days=30)
    deleted, _ = FailedTask.objects.filter(status=FailedTask.Status.SUCCEEDED, succeeded_at__lt=cutoff).delete()
    return f"Deleted {deleted} failed task record(s) that succeeded over 30 days ago."


MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
JOBS: tuple[Job, ...] = (
    Job("requeue_unqueued_tasks", MINUTE, requeue_unqueued_tasks, "queue the tasks Redis could not take while down"),
    Job(
        "requeue_submissions",
        10 * MINUTE,
        command("requeue_submissions", "--older-than", "10"),
        "queue again uploads whose processing was lost (a worker killed, a queue emptied)",
    ),
    Job(
        "reconcile_subscriptions",
        HOUR,
        reconcile_subscriptions,
        "repair entitlements that drifted from Stripe (or renew test-mode subscriptions)",
    ),
    Job("expire_data_exports", HOUR, expire_data_exports, "delete the archives of expired data exports"),
    Job("prune_reading_history", DAY, prune_reading_history, "delete reading history past 90 days"),
    Job("clear_sessions", DAY, command("clearsessions"), "delete expired sessions from the database"),
    Job("prune_task_results", DAY, prune_task_results, "delete finished task results (database backend)"),
    Job("prune_failed_tasks", DAY, prune_failed_tasks, "delete failed-task records that succeeded a month ago"),
)


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Scheduler:
    def __init__(self, jobs: Sequence[Job] = JOBS, *, holder: str = "", tick: float = 5.0) -> None:
        self.jobs = tuple(jobs)
        self.holder = holder or default_holder()
        self.tick = tick
        self.stopping = threading.Event()

    def stop(self) -> None:
        """Finish the job in hand, then return from `run_forever`."""
        self.stopping.set()

    def run_forever(self) -> None:
        logger.info("Scheduler %s started with %d jobs", self.holder, len(self.jobs))
        while not self.stopping.is_set():
            try:
                self.run_due()
            except DatabaseError:
                # The database restarting: the loop carries on, and the next tick reconnects.
                logger.warning("Scheduler could not reach the database; trying again shortly", exc_info=True)
            finally:
                close_old_connections()
            self.stopping.wait(self.tick)
        logger.info("Scheduler %s stopped", self.holder)

    def run_due(self) -> list[str]:
        """Run every job that is due and not leased elsewhere; the names of those run."""
        ran = []
        for job in self.jobs:
            if self.stopping.is_set():
                break
            close_old_connections()
            if self.claim(job):
                self.run(job)
                ran.append(job.name)
        return ran

    def claim(self, job: Job) -> bool:
        now = timezone.now()
        with contextlib.suppress(IntegrityError):  # another scheduler made the row at the same moment
            ScheduledJob.objects.get_or_create(name=job.name)
        return bool(
            ScheduledJob.objects.filter(name=job.name)
            .filter(Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every))
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .update(locked_by=self.holder, locked_until=now + LEASE, last_started_at=now)
        )

    def run(self, job: Job) -> None:
        started = timezone.now()
        try:
            message = job.run()
            outcome = ScheduledJob.Outcome.OK
            logger.info("Scheduled job %s: %s", job.name, message)
        except Exception as exc:  # one failing job must not stop the others, nor the scheduler
            message = f"{type(exc).__name__}: {exc}"
            outcome = ScheduledJob.Outcome.FAILED
            logger.exception("Scheduled job %s failed", job.name)
        close_old_connections()
        elapsed = (timezone.now() - started).total_seconds()
        ScheduledJob.objects.filter(name=job.name, locked_by=self.holder).update(
            last_finished_at=timezone.now(),
            last_outcome=outcome,
            last_message=f"{message} ({elapsed:.1f} s)"[-MESSAGE_KEPT:],
            locked_by="",
            locked_until=None,
        )
