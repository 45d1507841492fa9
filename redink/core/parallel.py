"""Work in forked processes: spread over workers with results in order (bulk commands), or one
call isolated in a child that is killed when it runs too long (a hostile upload).

Workers get plain data, compute, and send plain data back. The parent closes its database
connections before forking, so a worker that must ask the database something (the search
index asks PostgreSQL for word stems) opens its own; a parent inside a transaction cannot
close its connection, and a process running other threads cannot fork a pool safely, so either
does the work itself.

A bounded window of jobs is in flight, so results never pile up in memory when the parent's
own work (writing them) is the slower side. With a `timeout`, the parent kills a worker whose
job runs past it, starts a fresh one, and takes `on_failure(job, reason)` as that job's result;
a worker that dies (a C library crashing on a malformed file) is treated the same way. A signal
handler could not do this: it cannot interrupt C code such as lxml or nh3, and neither
multiprocessing's pool nor django-tasks can stop one job.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from django.db import connections

Job = TypeVar("Job")
Result = TypeVar("Result")

TIMED_OUT = "timed out"
CRASHED = "crashed"


class WorkFailed(Exception):
    """A job ran past its time limit (`reason` TIMED_OUT) or killed its process (CRASHED)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}{': ' + detail if detail else ''}")
        self.reason = reason


def default_workers() -> int:
    return min(4, os.cpu_count() or 1)


def ordered_map(
    func: Callable[[Job], Result],
    jobs: Iterable[Job],
    *,
    workers: int,
    timeout: float | None = None,
    on_failure: Callable[[Job, str], Result] | None = None,
) -> Iterator[Result]:
    """`map(func, jobs)` run by `workers` forked processes (in this process when 1, or where a
    pool cannot be forked). `func` must be a module-level function; jobs are consumed lazily.

    With `timeout` (seconds a job may take), a job that overruns or crashes its process yields
    `on_failure(job, reason)` instead (or raises WorkFailed without it); a job run in this
    process is then isolated in a child of its own (`run_isolated`)."""
    if not forks_workers(workers):
        for job in jobs:
            yield _in_this_process(func, job, timeout=timeout, on_failure=on_failure)
        return
    connections.close_all()  # a forked child must not share the parent's open connection
    pool = _Pool(func, workers=workers)
    try:
        yield from pool.ordered(jobs, window=3 * workers, timeout=timeout, on_failure=on_failure)
    finally:
        pool.close()


def forks_workers(workers: int) -> bool:
    """Whether `ordered_map` would fork this many workers here, or do the work in this process."""
    in_transaction = any(c.in_atomic_block for c in connections.all(initialized_only=True))
    # A forked child holds a copy of this thread only: other threads' open connections and
    # locks come along in whatever state they were in, so a process running threads (a test
    # run's live server, say) keeps the work.
    threaded = threading.active_count() > 1
    return workers > 1 and not in_transaction and not threaded and "fork" in multiprocessing.get_all_start_methods()


def run_isolated(func: Callable[[Job], Result], job: Job, *, timeout: float) -> Result:
    """`func(job)` in a forked child, killed after `timeout` seconds (WorkFailed TIMED_OUT),
    or WorkFailed CRASHED if the child dies. Its exceptions are raised here.

    Meant for pure work (parsing a file): the child touches no database connection, and it
    ends with `os._exit`, so nothing it inherited is closed or flushed on its way out."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            _die_with_parent()
            try:
                outcome: tuple[str, Any] = ("ok", func(job))
            except BaseException as exc:  # sent to the parent, which raises it
                outcome = ("error", exc)
            try:
                payload = pickle.dumps(outcome)
            except Exception as exc:
                payload = pickle.dumps(("error", RuntimeError(f"unpicklable result: {exc!r}")))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        payload = _read_until(read_end, pid=pid, deadline=time.monotonic() + timeout)
    finally:
        os.close(read_end)
    _, wait_status = os.waitpid(pid, 0)
    if not payload:
        raise WorkFailed(CRASHED, f"the child ended with status {wait_status}")
    kind, value = pickle.loads(payload)  # noqa: S301 - our own child's output, over our own pipe
    if kind == "error":
        raise value
    return value


def _read_until(fd: int, *, pid: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(0.0, left)) if left > 0 else ([], [], [])
        if not ready:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise WorkFailed(TIMED_OUT)
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _in_this_process(
    func: Callable[[Job], Result],
    job: Job,
    *,
    timeout: float | None,
    on_failure: Callable[[Job, str], Result] | None,
) -> Result:
    if timeout is None:
        return func(job)
    try:
        return run_isolated(func, job, timeout=timeout)
    except WorkFailed as failure:
        if on_failure is None:
            raise
        return on_failure(job, failure.reason)


@dataclass
class _Running(Generic[Job]):
    index: int
    job: Job
    started: float


class _Worker:
    def __init__(self, func: Callable[[Any], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_worker_loop, args=(func, child_conn), daemon=True)
        self.process.start()
        child_conn.close()
        self.running: _Running[Any] | None = None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, AttributeError):
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool:
    """Forked workers, each doing one job at a time, that can be killed one by one."""

    def __init__(self, func: Callable[[Any], Any], *, workers: int) -> None:
        self.func = func
        self.workers = [_Worker(func) for _ in range(workers)]

    def ordered(
        self,
        jobs: Iterable[Any],
        *,
        window: int,
        timeout: float | None,
        on_failure: Callable[[Any, str], Any] | None,
    ) -> Iterator[Any]:
        remaining = iter(jobs)
        done: dict[int, Any] = {}
        queued: list[tuple[int, Any]] = []
        sent = yielded = 0
        exhausted = False
        while True:
            # Keep up to `window` jobs between being taken and being yielded.
            while not exhausted and sent - yielded < window:
                batch = list(islice(remaining, 1))
                if not batch:
                    exhausted = True
                    break
                queued.append((sent, batch[0]))
                sent += 1
            for worker in self.workers:
                if worker.running is None and queued:
                    index, job = queued.pop(0)
                    worker.conn.send((index, job))
                    worker.running = _Running(index, job, time.monotonic())
            if yielded in done:
                yield done.pop(yielded)
                yielded += 1
                continue
            busy = [w for w in self.workers if w.running is not None]
            if not busy:
                return
            wait_for = None
            if timeout is not None:
                first_deadline = min(w.running.started for w in busy if w.running) + timeout
                wait_for = max(0.0, first_deadline - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=wait_for)
            for worker in busy:
                running = worker.running
                assert running is not None  # noqa: S101 - busy workers have a job
                if worker.conn in ready:
                    try:
                        kind, value = worker.conn.recv()
                    except (EOFError, OSError):
                        done[running.index] = self._failed(worker, running, CRASHED, on_failure)
                        continue
                    worker.running = None
                    if kind == "error":
                        raise value
                    done[running.index] = value
                elif timeout is not None and time.monotonic() - running.started >= timeout:
                    done[running.index] = self._failed(worker, running, TIMED_OUT, on_failure)

    def _failed(
        self, worker: _Worker, running: _Running[Any], reason: str, on_failure: Callable[[Any, str], Any] | None
    ) -> Any:
        """Replace the worker (killed if it still runs) and make the job's result from `on_failure`."""
        worker.kill()
        self.workers[self.workers.index(worker)] = _Worker(self.func)
        if on_failure is None:
            raise WorkFailed(reason)
        return on_failure(running.job, reason)

    def close(self) -> None:
        """Idle workers are asked to stop; any still working (the caller stopped early) are killed."""
        for worker in self.workers:
            if worker.running is not None:
                worker.kill()
                continue
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self.workers:
            if worker.running is None:
                worker.process.join(timeout=5)
                if worker.process.is_alive():
                    worker.kill()
                else:
                    worker.conn.close()


def _worker_loop(func: Callable[[Any], Any], conn: Connection) -> None:
    _start_worker()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, job = message
        try:
            outcome: tuple[str, Any] = ("ok", _closing(func, job))
        except Exception as exc:
            outcome = ("error", exc)
        try:
            conn.send(outcome)
        except Exception as exc:  # an exception or result that does not pickle
            conn.send(("error", RuntimeError(f"job {index}: {exc!r}")))


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
    _die_with_parent()


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
