"""gunicorn's settings for Redink: `gunicorn -c deploy/gunicorn.conf.py redink.wsgi`.

Command-line flags override these (the stack runner passes --bind and --workers). Workers:
WEB_CONCURRENCY, else 2 x cores + 1, gunicorn's rule of thumb for sync workers: a page spends
part of its time waiting on PostgreSQL and Redis, during which another worker can use the core.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from pathlib import Path
from typing import Any

bind = os.environ.get("REDINK_WEB_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"  # nginx buffers slow clients, so a sync worker is never held by one
# A page renders in milliseconds; a request still running after this is stuck, and its worker
# is replaced. Uploads are processed by the task worker, not in the request.
timeout = int(os.environ.get("REDINK_WEB_TIMEOUT", "30"))
graceful_timeout = 20  # on SIGTERM, requests in flight get this long to finish
# A worker is replaced after this many requests (plus up to 10% jitter, so they do not all
# restart together): any slow growth of memory stays bounded. The new worker loads the
# application, views and templates (redink/core/warmup.py) before it accepts a connection.
max_requests = 5000
max_requests_jitter = 500
proc_name = "redink-web"
# gunicorn's control socket (for `gunicornc`) is one per user by default: each stack keeps its
# own, so two stacks on one machine do not take each other's.
if os.environ.get("REDINK_GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["REDINK_GUNICORN_CONTROL_SOCKET"]
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The heartbeat file each worker touches: in memory rather than on a disk that may stall.
if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's documented place for its heartbeat files
    worker_tmp_dir = "/dev/shm"  # noqa: S108


def child_exit(server: Any, worker: Any) -> None:
    """Let the metrics drop what a stopped worker recorded, when they run in multiprocess mode."""
    with contextlib.suppress(ImportError):
        from redink.ops.metrics import gunicorn_child_exit

        gunicorn_child_exit(server, worker)
