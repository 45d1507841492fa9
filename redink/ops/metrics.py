"""Prometheus metrics: request latency by route, task durations and failures, queue depth and
search latency, at `/metrics`.

With PROMETHEUS_MULTIPROC_DIR set (as the production stack sets it, before any process starts),
every process writes its counts to files there and one scrape of any web process reads them
all: the sum over every gunicorn worker, and the task workers' counts when they share the
directory. Without it, a process reports only its own counts (`make run`, tests).

Labels are bounded: a request is counted by its URL pattern ("essays/<slug:slug>/"), never its
path, by its method (unusual ones as "other") and by its status class ("2xx").

The queue's depth and age are read when scraped (a gauge written by each process would go
stale), by a collector of their own. `/metrics` answers only clients in REDINK_METRICS_NETWORKS
or holding REDINK_METRICS_TOKEN; anyone else gets the site's ordinary 404 page (uncached).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_resolver
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from redink.core.clients import client_ip

logger = logging.getLogger(__name__)

REQUEST_SECONDS = Histogram(
    "redink_http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_SECONDS = Histogram(
    "redink_task_duration_seconds",
    "Time a background task ran, by task and outcome.",
    ["task", "status"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0),
)
TASK_FAILURES = Counter("redink_task_failures", "Background tasks that failed, by task.", ["task"])
SEARCH_SECONDS = Histogram(
    "redink_search_query_duration_seconds",
    "Time the search backend took to answer one query.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

# Each web process counts itself once, at its first request; a gunicorn worker that exits is
# taken out of the sum by gunicorn_child_exit (without it, every restart would add one).
WEB_PROCESSES = Gauge(
    "redink_web_processes", "Web processes serving requests (each from its first).", multiprocess_mode="livesum"
)
_process_counted = False


def _forget_process_counted() -> None:
    global _process_counted
    _process_counted = False


os.register_at_fork(after_in_child=_forget_process_counted)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"  # a request no URL pattern matched (a 404 by address)

# The labelled children, created once each: `labels()` costs more than the observation itself,
# and this runs on every request.
_request_children: dict[tuple[str, str, int], Any] = {}


def observe_request(route: str, method: str, status_code: int, seconds: float) -> None:
    global _process_counted
    if not _process_counted:
        WEB_PROCESSES.set(1)
        _process_counted = True
    key = (route, method, status_code // 100)
    child = _request_children.get(key)
    if child is None:
        child = REQUEST_SECONDS.labels(route, method if method in METHODS else "other", f"{key[2]}xx")
        _request_children[key] = child
    child.observe(seconds)


F = TypeVar("F", bound=Callable[..., Any])


def timed_search(function: F) -> F:
    """Count the time of the search backend's query (wraps the one call that runs it)."""

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SEARCH_SECONDS.observe(time.perf_counter() - started)

    return timed  # type: ignore[return-value]


# --- Tasks ----------------------------------------------------------------------------------
_task_started: dict[str, float] = {}


def _task_began(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _task_started[str(task_result.id)] = time.perf_counter()


def _task_ended(sender: Any, task_result: Any, **kwargs: Any) -> None:
    started = _task_started.pop(str(task_result.id), None)
    if started is not None:
        seconds = time.perf_counter() - started
    elif task_result.started_at and task_result.finished_at:
        seconds = (task_result.finished_at - task_result.started_at).total_seconds()
    else:
        return
    name = task_result.task.module_path
    status = str(getattr(task_result.status, "value", task_result.status)).lower()
    TASK_SECONDS.labels(name, status).observe(max(0.0, seconds))
    if status == "failed":
        TASK_FAILURES.labels(name).inc()


def connect_task_signals() -> None:
    from django_tasks import signals

    signals.task_started.connect(_task_began, dispatch_uid="redink.ops.metrics.began")
    signals.task_finished.connect(_task_ended, dispatch_uid="redink.ops.metrics.ended")


class QueueCollector:
    """The queue's depth and the age of its oldest ready task, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from .health import queue_states

        try:
            states = queue_states()
        except Exception as error:
            logger.warning("metrics: could not read the task queue: %s: %s", type(error).__name__, error)
            return
        depth = GaugeMetricFamily("redink_task_queue_depth", "Tasks ready to run, waiting.", labels=["queue"])
        age = GaugeMetricFamily(
            "redink_task_queue_oldest_age_seconds", "How long the oldest ready task has waited.", labels=["queue"]
        )
        for state in states:
            depth.add_metric([state.name], state.depth)
            age.add_metric([state.name], state.oldest_seconds or 0.0)
        yield depth
        yield age


# --- The /metrics page ------------------------------------------------------------------------
def metrics_text() -> bytes:
    """Every process's metrics (one process's, outside multiprocess mode), then the queue's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        counts = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        counts = generate_latest(REGISTRY)
    queue = CollectorRegistry(auto_describe=False)
    queue.register(QueueCollector())
    return counts + generate_latest(queue)


@functools.cache
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def may_read_metrics(request: HttpRequest) -> bool:
    """A client in REDINK_METRICS_NETWORKS (by redink.core.clients.client_ip, so behind nginx the
    client's address, not nginx's), or `Authorization: Bearer <REDINK_METRICS_TOKEN>`."""
    token = settings.REDINK_METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    address = client_ip(request)
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks(tuple(settings.REDINK_METRICS_NETWORKS)))


def metrics_response() -> HttpResponse:
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    if may_read_metrics(request):
        return metrics_response()
    # The site's own 404 page, but never stored: a shared cache keeping it would answer the
    # clients who may read the metrics with it too.
    not_found = get_resolver().resolve_error_handler(404)
    response: HttpResponse = not_found(request, Http404())  # type: ignore[call-arg]
    response["Cache-Control"] = "no-store"
    return response


# --- gunicorn hooks (deploy/gunicorn.conf.py) ---------------------------------------------------
def gunicorn_child_exit(server: Any, worker: Any) -> None:
    """A worker has exited: its live gauges leave the sums (its counters stay, as they must)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def multiprocess_dir_reset(path: str | os.PathLike[str]) -> None:
    """Empty the metrics directory: call it once when the whole stack starts, before any web or
    task process, or the counts of an earlier run are added to this one's."""
    from pathlib import Path

    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for file in directory.glob("*.db"):
        file.unlink()
