"""Pure work spread over forked worker processes, results in order (for bulk commands).

Workers get plain data, compute, and send plain data back. The parent closes its database
connections before forking, so a worker that must ask the database something (the search
index asks PostgreSQL for word stems) opens its own; a parent inside a transaction cannot
close its connection, and a process running other threads cannot fork safely, so either
does the work itself.
A bounded window of jobs is in flight, so results never pile up in memory when the parent's
own work (writing them) is the slower side.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db import connections

Job = TypeVar("Job")
Result = TypeVar("Result")


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def ordered_map(func: Callable[[Job], Result], jobs: Iterable[Job], *, workers: int) -> Iterator[Result]:
    """`map(func, jobs)` run by `workers` forked processes (in this process when 1, or where
    fork is unavailable). `func` must be a module-level function; jobs are consumed lazily."""
    in_transaction = any(c.in_atomic_block for c in connections.all(initialized_only=True))
    # A forked child holds a copy of this thread only: other threads' open connections and
    # locks come along in whatever state they were in, so a process running threads (a test
    # run's live server, say) keeps the work.
    threaded = threading.active_count() > 1
    if workers <= 1 or in_transaction or threaded or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(func, jobs)
        return
    connections.close_all()  # a forked child must not share the parent's open connection
    with multiprocessing.get_context("fork").Pool(processes=workers, initializer=_start_worker) as pool:
        remaining = iter(jobs)
        pending = deque(pool.apply_async(_closing, (func, job)) for job in islice(remaining, 3 * workers))
        while pending:
            result = pending.popleft().get()
            pending.extend(pool.apply_async(_closing, (func, job)) for job in islice(remaining, 1))
            yield result


def chunked(items: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= max(size, 1):
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _closing(func: Callable[[Job], Result], job: Job) -> Result:
    """Run one job in a worker, then close any database connection it opened: the pool ends its
    workers with a signal, which would cut a connection off mid-session."""
    try:
        return func(job)
    finally:
        connections.close_all()


def _start_worker() -> None:
    """A worker ends with its parent, even when the parent is killed outright (Linux), and its
    garbage collector leaves alone the objects it was forked with: they are the parent's
    long-lived ones, and scanning them again and again (writing to each) is wasted work."""
    gc.freeze()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
