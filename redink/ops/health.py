"""Health checks for load balancers and orchestrators.

`/healthz` says the process is alive and touches nothing else, so a slow database never gets a
healthy process killed. `/readyz` says whether the process can serve: the database answers,
Redis answers (when REDIS_URL is set), and the task queue is keeping up (the oldest queued task
has waited at most REDINK_READY_MAX_QUEUE_AGE_SECONDS). A failing check gives a 503 naming it,
never a 500: the error's kind is shown and its text is logged, since it may name hosts.

Both are `Cache-Control: no-store` (no cache may keep an answer about one moment), set no
cookie, and are rate-limited by nothing. `redink.ops.middleware` answers them before Django's
host check, because probes address a process by its IP.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# An RQ queue is read from its left end, where the oldest jobs are; jobs queued "at the front"
# (the highest priority) go there too, so a few are read and the oldest taken.
RQ_HEAD_JOBS = 10


@dataclass(frozen=True)
class QueueState:
    name: str
    depth: int
    oldest_seconds: float | None  # how long the oldest ready task has waited; None when empty


def _default_tasks() -> dict[str, Any]:
    default: dict[str, Any] = settings.TASKS["default"]  # type: ignore[assignment]
    return default


def queue_backend() -> str:
    """The kind of queue tasks wait in: "database", "rq", or "" when tasks run in the request."""
    backend_class = import_string(_default_tasks()["BACKEND"])
    from django_tasks_db.backend import DatabaseBackend

    if issubclass(backend_class, DatabaseBackend):
        return "database"
    try:
        from django_tasks_rq.backend import RQBackend
    except ImportError:
        return ""
    return "rq" if issubclass(backend_class, RQBackend) else ""


def queue_states() -> list[QueueState]:
    """Depth and age of the oldest ready task for each queue of the default backend (raises
    when the queue's store cannot be read)."""
    backend = queue_backend()
    if backend == "database":
        return _database_queue_states()
    if backend == "rq":
        return _rq_queue_states()
    return []


def _database_queue_states() -> list[QueueState]:
    from django.db.models import Case, Count, F, Min, When
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A deferred task is ready from its run_after, not from when it was enqueued.
    ready_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    rows = (
        DBTaskResult.objects.ready()
        .filter(backend_name="default")
        .order_by()
        .values("queue_name")
        .annotate(depth=Count("id"), since=Min(ready_since))
    )
    now = timezone.now()
    return [
        QueueState(row["queue_name"], row["depth"], max(0.0, (now - row["since"]).total_seconds())) for row in rows
    ] or [QueueState("default", 0, None)]


def _rq_queue_states() -> list[QueueState]:
    from rq import Queue
    from rq.job import Job
    from rq.utils import str_to_date

    names = _default_tasks().get("QUEUES") or ["default"]
    rq_queues = getattr(settings, "RQ_QUEUES", {})
    states = []
    now = timezone.now()
    for name in names:
        url = rq_queues.get(name, {}).get("URL") or settings.REDIS_URL
        queue = Queue(name, connection=redis_client(url))
        depth = queue.count
        oldest: float | None = None
        if depth:
            pipe = queue.connection.pipeline()
            for job_id in queue.get_job_ids(0, RQ_HEAD_JOBS):
                pipe.hget(Job.key_for(job_id), "enqueued_at")
            times = [str_to_date(value) for value in pipe.execute() if value]
            oldest = max(0.0, (now - min(times)).total_seconds()) if times else None
        states.append(QueueState(name, depth, oldest))
    return states


@functools.cache
def _redis_client(url: str, timeout: float) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # Short timeouts and no retries: a Redis that is down or unreachable makes the check fail
    # within `timeout`, instead of holding the probe (and a web process) for the default retries.
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


def redis_client(url: str) -> Any:
    return _redis_client(url, settings.REDINK_READY_TIMEOUT_SECONDS)


def _check_database() -> dict[str, Any]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _check_redis() -> dict[str, Any]:
    redis_client(settings.REDIS_URL).ping()
    return {}


def _check_queue() -> dict[str, Any]:
    limit = settings.REDINK_READY_MAX_QUEUE_AGE_SECONDS
    states = queue_states()
    report: dict[str, Any] = {
        "backend": queue_backend() or "immediate",
        "max_age_seconds": limit,
        "queues": {
            state.name: {
                "depth": state.depth,
                "oldest_seconds": None if state.oldest_seconds is None else round(state.oldest_seconds, 1),
            }
            for state in states
        },
    }
    late = [state for state in states if state.oldest_seconds is not None and state.oldest_seconds > limit]
    if late:
        worst = max(late, key=lambda state: state.oldest_seconds or 0.0)
        report["ok"] = False
        report["error"] = (
            f"the oldest task queued on “{worst.name}” has waited {worst.oldest_seconds:.0f} s (more than {limit} s): "
            "are the workers running?"
        )
    return report


def _run(name: str, check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as error:
        logger.warning("readiness check %s failed: %s: %s", name, type(error).__name__, error)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def readiness() -> dict[str, Any]:
    checks: dict[str, dict[str, Any]] = {"database": _run("database", _check_database)}
    if settings.REDIS_URL:
        checks["redis"] = _run("redis", _check_redis)
    checks["queue"] = _run("queue", _check_queue)
    return {
        "ready": all(check["ok"] for check in checks.values()),
        "time": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
        "checks": checks,
    }


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return _no_store(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"))


def readyz(request: HttpRequest) -> HttpResponse:
    report = readiness()
    response = JsonResponse(report, status=200 if report["ready"] else 503)
    # The failing check is logged once, above, by name; Django's own "Service Unavailable" line
    # for every probe of an outage (every few seconds, from every load balancer) would bury it.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return _no_store(response)
