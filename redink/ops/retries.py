"""Retries for background tasks, and the record of those that failed: django-tasks has neither.

The policy, in one place:

- **Which tasks** are retried: the ones in `RETRIED`, each safe to run twice (the reason is
  written beside it). `NOT_RETRIED` names the others and why. A test checks that every task in
  the code is in one of the two, so a new task is classified when it is written.
- **What is retryable**: a failure that running again may cure, a connection error or a
  timeout (`RETRYABLE`: the database, Redis, the mail server, Stripe, a worker that died
  mid-task). A bug or a validation error fails the same way every time, so it is recorded at
  once instead.
- **How often**: up to `REDINK_TASK_RETRY_ATTEMPTS` runs in all (5), the n-th retry after
  `base * 2^(n-1)` seconds (base `REDINK_TASK_RETRY_BASE_SECONDS`, 30), capped at
  `REDINK_TASK_RETRY_MAX_SECONDS` (30 minutes), less a random part of up to half ("jitter"),
  so tasks that failed together do not all come back at the same moment: 15-30 s, 30-60 s,
  1-2 min, 2-4 min.
- **After the last attempt**, or at once for what is not retried, the `FailedTask` row says
  `failed`; staff see it in the admin and "Retry" it when the cause is fixed.

Retries are deferred task results (`run_after`), which the database worker runs by itself and
RQ runs through its scheduler: start RQ workers with `--with-scheduler` (`WORKER_COMMAND`). A
backend that cannot defer (the immediate one, in tests) records failures without retrying.

A task that cannot even be queued, because Redis is down, is not lost: `RQBackend` keeps it as
an `unqueued` row, and the scheduler's `requeue_unqueued_tasks` job queues it once Redis answers.
"""

from __future__ import annotations

import logging
import random
import sys
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task
from django_tasks.signals import task_finished
from django_tasks.utils import get_module_path, get_random_id
from django_tasks_rq.backend import RQBackend as BaseRQBackend

from . import stack
from .cache import UNREACHABLE
from .models import FailedTask

logger = logging.getLogger(__name__)

# The worker, as `manage.py` arguments (RQ on Redis): `--with-scheduler` runs the deferred retries.
# Defined once, in the stack runner (which starts it and must not import Django).
WORKER_COMMAND = stack.WORKER_COMMAND

_SAFE_EMAIL = "the send is its last step, so a connection error means the mail server did not take it"
RETRIED: dict[str, str] = {
    "redink.submissions.tasks.process_submission": (
        "locks the upload's row and leaves alone an upload already past processing"
    ),
    "redink.catalogue.tasks.refresh_essay_derivatives": "recomputes search rows, signature and related lists",
    "redink.search.tasks.sync_essay": "rewrites the essay's search rows from the catalogue",
    "redink.related.tasks.refresh_related": "recomputes related lists from the catalogue",
    "redink.related.tasks.rebuild_related_level": "recomputes a level's related lists from the catalogue",
    "redink.related.tasks.recompute_related_lists": "recomputes related lists from the catalogue",
    "redink.related.tasks.rename_related_section": "rewrites the cards' section name from the section as it is now",
    "redink.privacy.tasks.build_data_export": "builds only an export still pending",
    "redink.submissions.tasks.send_submission_email": f"{_SAFE_EMAIL}; it is skipped once recorded as sent",
    "redink.submissions.tasks.send_takedown_email": f"{_SAFE_EMAIL}; it is skipped once recorded as sent",
    "redink.submissions.tasks.send_takedown_acknowledgement": f"{_SAFE_EMAIL}; it is skipped once recorded as sent",
    "redink.marking.tasks.send_marking_email": _SAFE_EMAIL,
    "redink.ops.tasks.purge_pages": "deletes cached page files; a file already gone is skipped",
}
NOT_RETRIED: dict[str, str] = {
    "redink.billing.tasks.reconcile_subscriptions": (
        "periodic: the scheduler runs it again within the hour, and a retry would overlap that run"
    ),
}

# Failures that running again may cure. Compared by class, so subclasses count too.
RETRYABLE = (
    "builtins.ConnectionError",
    "builtins.TimeoutError",
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "redis.exceptions.ConnectionError",
    "redis.exceptions.TimeoutError",
    "smtplib.SMTPServerDisconnected",
    "smtplib.SMTPConnectError",
    "stripe.APIConnectionError",
    "stripe.RateLimitError",
    "rq.exceptions.AbandonedJobError",
    "rq.timeouts.JobTimeoutException",
)
# Kept whole in the record up to this many characters (the end, where the exception is).
TRACEBACK_KEPT = 20_000


def is_retryable(exception_path: str) -> bool:
    """Whether a failure of this exception class may go away by itself."""
    try:
        raised = import_string(exception_path)
    except ImportError:
        return False
    if not isinstance(raised, type):
        return False
    for path in RETRYABLE:
        try:
            retryable = import_string(path)
        except ImportError:
            continue
        if issubclass(raised, retryable):
            return True
    return False


def retry_delay(*, attempt: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait before running again a task that has failed `attempt` times."""
    base = settings.REDINK_TASK_RETRY_BASE_SECONDS
    cap = settings.REDINK_TASK_RETRY_MAX_SECONDS
    full = min(cap, base * 2 ** max(0, attempt - 1))
    jitter = (rng or random).uniform(0.5, 1.0)  # spreading retries out, not a secret
    return timedelta(seconds=full * jitter)


class QueueUnreachable(Exception):
    """The task could not be handed to the queue."""


class RQBackend(BaseRQBackend):
    """django-tasks' RQ backend, except that a task Redis cannot take is kept in the database
    (an `unqueued` FailedTask) instead of failing the request that enqueued it; the scheduler
    queues it when Redis is back. An upload made while Redis is down is saved and processed
    later, never a 500."""

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        try:
            return self.enqueue_or_raise(task, args, kwargs)
        except QueueUnreachable as exc:
            failure_record_unqueued(task=task, args=args, kwargs=kwargs, error=exc.__cause__ or exc)
            return TaskResult(
                task=task,
                id=get_random_id(),
                status=TaskResultStatus.READY,
                enqueued_at=None,
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=list(args),
                kwargs=dict(kwargs),
                backend=self.alias,
                errors=[],
                worker_ids=[],
            )

    def enqueue_or_raise(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        try:
            return super().enqueue(task, args, kwargs)
        except UNREACHABLE as exc:
            raise QueueUnreachable(str(exc)) from exc


def enqueue_or_raise(task: Task, args: list[Any], kwargs: dict[str, Any]) -> str:
    """Queue `task` and return its result id; `QueueUnreachable` if the queue cannot take it."""
    backend = task.get_backend()
    strict = getattr(backend, "enqueue_or_raise", None)
    if strict is not None:
        return str(strict(task, args, kwargs).id)
    try:
        return str(backend.enqueue(task, args, kwargs).id)
    except UNREACHABLE as exc:
        raise QueueUnreachable(str(exc)) from exc


def failure_record_unqueued(*, task: Task, args: Any, kwargs: Any, error: BaseException) -> FailedTask:
    now = timezone.now()
    record = FailedTask.objects.create(
        task_path=task.module_path,
        args=list(args),
        kwargs=dict(kwargs),
        queue_name=task.queue_name,
        status=FailedTask.Status.UNQUEUED,
        exception_class=get_module_path(type(error)),
        exception_text=str(error),
        first_failed_at=now,
        last_failed_at=now,
    )
    logger.warning(
        "Task %s could not be queued (%s); kept as failed task %s, to be queued when the queue is back",
        task.module_path,
        error,
        record.pk,
    )
    return record


def connect_task_signals() -> None:
    task_finished.connect(_task_finished, dispatch_uid="redink.ops.retries.task_finished")


def _task_finished(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    """Runs in the worker after every task. It must never take the worker down with it."""
    try:
        if task_result.status == TaskResultStatus.SUCCESSFUL:
            FailedTask.objects.filter(pending_result_id=str(task_result.id)).update(
                status=FailedTask.Status.SUCCEEDED, succeeded_at=timezone.now(), pending_result_id=""
            )
        elif task_result.status == TaskResultStatus.FAILED:
            exception_path, text = _failure_of(task_result)
            failure_handle(task_result=task_result, exception_path=exception_path, text=text)
    except Exception:
        logger.exception("Could not record the failure of task %s (%s)", task_result.id, task_result.task.module_path)


def failure_handle(*, task_result: TaskResult, exception_path: str, text: str) -> FailedTask:
    """Record a failed run, and queue the next attempt if the policy allows one."""
    task = task_result.task
    path = task.module_path
    now = timezone.now()
    with transaction.atomic():
        record = FailedTask.objects.select_for_update().filter(pending_result_id=str(task_result.id)).first()
        if record is None:
            record = FailedTask(
                task_path=path,
                args=list(task_result.args),
                kwargs=dict(task_result.kwargs),
                queue_name=task.queue_name,
                first_failed_at=now,
            )
        record.attempts += 1
        record.last_failed_at = now
        record.exception_class = exception_path
        record.exception_text = text[-TRACEBACK_KEPT:]
        record.pending_result_id = ""
        record.next_attempt_at = None
        retry = (
            path in RETRIED
            and is_retryable(exception_path)
            and record.attempts < settings.REDINK_TASK_RETRY_ATTEMPTS
            and task.get_backend().supports_defer
        )
        if not retry:
            record.status = FailedTask.Status.FAILED
            record.save()
        else:
            run_at = now + retry_delay(attempt=record.attempts)
            record.status = FailedTask.Status.RETRYING
            record.next_attempt_at = run_at
            try:
                record.pending_result_id = enqueue_or_raise(
                    task.using(run_after=run_at), list(task_result.args), dict(task_result.kwargs)
                )
            except QueueUnreachable:
                record.status = FailedTask.Status.UNQUEUED
                record.next_attempt_at = None
            record.save()
    if record.status == FailedTask.Status.FAILED:
        logger.error(
            "Task %s failed for good after %d attempt(s) (%s); staff can retry it (failed task %s)",
            path,
            record.attempts,
            exception_path,
            record.pk,
        )
    else:
        logger.warning(
            "Task %s failed (attempt %d, %s); it runs again at %s",
            path,
            record.attempts,
            exception_path,
            record.next_attempt_at or "the queue's return",
        )
    return record


def failed_task_retry(*, record: FailedTask, user: Any = None) -> bool:
    """Queue the task again now (staff's "Retry", or the queue back after an outage). False if
    the queue is still unreachable (the row is then left as it was) or the task no longer exists."""
    try:
        task = import_string(record.task_path)
    except ImportError:
        logger.warning("Failed task %s names %s, which no longer exists", record.pk, record.task_path)
        return False
    if not isinstance(task, Task):
        return False
    try:
        result_id = enqueue_or_raise(task.using(queue_name=record.queue_name), list(record.args), dict(record.kwargs))
    except QueueUnreachable:
        return False
    now = timezone.now()
    update: dict[str, Any] = {
        "status": FailedTask.Status.RETRYING,
        "pending_result_id": result_id,
        "next_attempt_at": now,
    }
    if user is not None:
        update |= {"retried_at": now, "retried_by": str(getattr(user, "email", "") or user)[:255]}
    FailedTask.objects.filter(pk=record.pk).update(**update)
    # A backend that runs the task at once (or a worker that already ran it) may have settled the row.
    record.refresh_from_db()
    return True


def unqueued_tasks_requeue(*, limit: int = 500) -> int:
    """Queue the tasks that could not be queued while the queue was down; stops at the first
    that still cannot be. The number queued."""
    queued = 0
    for record in FailedTask.objects.unqueued().order_by("pk")[:limit]:
        if not failed_task_retry(record=record):
            break
        queued += 1
    return queued


def _failure_of(task_result: TaskResult) -> tuple[str, str]:
    """The failure's exception class and traceback. The database and immediate backends put them
    on the result; RQ calls back before it stores them, while the exception is being handled
    (or, for a worker found dead, with only the class in the job's meta)."""
    if task_result.errors:
        error = task_result.errors[-1]
        return error.exception_class_path, error.traceback or ""
    raised = sys.exc_info()[1]
    if raised is not None:
        return get_module_path(type(raised)), "".join(traceback.format_exception(raised))
    return _rq_exception_path(str(task_result.id)), ""


def _rq_exception_path(result_id: str) -> str:
    try:
        import django_rq
        from django_tasks_rq.backend import Job

        job = Job.fetch(result_id, connection=django_rq.get_connection())
        paths = job.meta.get("_django_tasks_rq_exceptions") or []
    except Exception:
        return ""
    return str(paths[-1]) if paths else ""
