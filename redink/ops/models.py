"""What operations keep in the database: failed background tasks, and the scheduler's jobs.

Both live in the database rather than in Redis on purpose: they must survive Redis being down
or emptied, which is when they matter most.
"""

from __future__ import annotations

from django.db import models


class FailedTaskQuerySet(models.QuerySet["FailedTask"]):
    def needing_attention(self) -> FailedTaskQuerySet:
        """Tasks nobody will run again unless staff retry them."""
        return self.filter(status=FailedTask.Status.FAILED)

    def unqueued(self) -> FailedTaskQuerySet:
        return self.filter(status=FailedTask.Status.UNQUEUED)


class FailedTask(models.Model):
    """A background task that failed, or could not be queued at all, with what happened to it.

    One row per task call, however many attempts it takes: an automatic retry or a staff
    "Retry" is a new task result whose id is `pending_result_id`, and its outcome updates this
    row (see `redink.ops.retries`)."""

    class Status(models.TextChoices):
        UNQUEUED = "unqueued", "Not queued yet (the queue was unreachable)"
        RETRYING = "retrying", "Queued again"
        FAILED = "failed", "Failed: needs a retry"
        SUCCEEDED = "succeeded", "Succeeded when run again"

    task_path = models.CharField(max_length=255, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue_name = models.CharField(max_length=100, default="default")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FAILED, db_index=True)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times it ran and failed.")
    exception_class = models.CharField(max_length=255, blank=True)
    exception_text = models.TextField(blank=True, help_text="The last failure's traceback.")
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When the automatic retry runs.")
    retried_at = models.DateTimeField(null=True, blank=True, help_text="When staff last retried it.")
    # Who, as the admin showed them (text, not a link: staff's record outlives their account).
    retried_by = models.CharField(max_length=255, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    # The task result now standing for this call (empty when none is queued).
    pending_result_id = models.CharField(max_length=64, blank=True, db_index=True)

    objects = FailedTaskQuerySet.as_manager()

    class Meta:
        ordering = ["-last_failed_at"]
        permissions = [("retry_failedtask", "Can retry a failed task")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.get_status_display()})"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]


class ScheduledJob(models.Model):
    """One periodic job's last run and its lease: a scheduler runs a job only after taking the
    lease in one UPDATE, so two schedulers (two machines, or a restart that overlaps) never run it
    twice, and a restarted scheduler does not run again what ran a minute ago."""

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=100, primary_key=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    last_message = models.TextField(blank=True)
    locked_by = models.CharField(max_length=200, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
