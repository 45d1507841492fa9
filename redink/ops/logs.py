"""Logs an operator can search: one JSON object a line, each carrying the id of the request it
belongs to, and the same id in the lines of every task that request enqueued.

The request id lives in a context variable: `redink.ops.middleware` sets it for a request, and a
task's start sets it again in the worker from what was recorded when the task was enqueued (in
the shared cache, so the database and the Redis queue both carry it, across processes).

This module is imported by the logging configuration, before Django's apps are loaded: it
imports nothing of Django at the top.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("redink_request_id", default="")

# An incoming X-Request-ID (from nginx's $request_id, or a load balancer's) is kept when it looks
# like an id; anything else (spaces, quotes, control characters, a novel) is replaced, so no
# client can write arbitrary text into every log line of its request.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

# How long a queued task's request id is kept for it (tasks wait minutes, retries hours).
TASK_REQUEST_ID_SECONDS = 7 * 86400
_CACHE_PREFIX = "ops:task-request-id:"

logger = logging.getLogger(__name__)


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (as `request_id`, "" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, and the
    exception's traceback (`exc_info`) or stack (`stack_info`) when the record has one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or None,
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        # default=str: a message argument that JSON cannot hold is written as its str(), never lost.
        return json.dumps(entry, default=str)


# --- Carrying a request's id into the tasks it enqueues ----------------------------------------
# Tasks run by the immediate backend run inside the request, so they already have its id.
_IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
_task_tokens: dict[str, contextvars.Token[str]] = {}


def _backend_path(sender: Any) -> str:
    return f"{sender.__module__}.{sender.__qualname__}" if isinstance(sender, type) else ""


def remember_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """On enqueue: record the request's id against the task, for the worker that runs it."""
    request_id = request_id_var.get()
    if not request_id or _backend_path(sender) == _IMMEDIATE:
        return
    from django.core.cache import cache

    try:
        cache.set(_CACHE_PREFIX + str(task_result.id), request_id, TASK_REQUEST_ID_SECONDS)
    except Exception:  # the cache down must never stop a task being queued
        logger.warning("could not record the request id of task %s: the cache is unreachable", task_result.id)


def restore_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """On task start: the id of the request that enqueued it, or none (a worker's previous task's
    id never leaks into the next)."""
    if _backend_path(sender) == _IMMEDIATE:
        return
    from django.core.cache import cache

    try:
        request_id = cache.get(_CACHE_PREFIX + str(task_result.id)) or ""
    except Exception:
        request_id = ""
    _task_tokens[str(task_result.id)] = request_id_var.set(str(request_id))


def forget_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    token = _task_tokens.pop(str(task_result.id), None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # finished in another context than it started: just clear it
            request_id_var.set("")


def connect_task_signals() -> None:
    """Connect the receivers above (from the app's ready()).

    django_tasks logs "Task … state=RUNNING" from its own task_started receiver, connected when
    its app loaded, before ours: it is moved behind ours so that line carries the id too."""
    from django_tasks import signals

    signals.task_enqueued.connect(remember_request_id, dispatch_uid="redink.ops.logs.remember")
    signals.task_started.connect(restore_request_id, dispatch_uid="redink.ops.logs.restore")
    if signals.task_started.disconnect(signals.log_task_started):
        signals.task_started.connect(signals.log_task_started)
    # Connected last, so every other receiver of task_finished still logs with the id.
    signals.task_finished.connect(forget_request_id, dispatch_uid="redink.ops.logs.forget")
