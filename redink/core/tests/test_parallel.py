import os
import subprocess
import sys
import threading

import pytest

from redink.core.parallel import ordered_map


def _worker_pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


SPREAD = """
import os, django
django.setup()
from redink.core.parallel import ordered_map
from redink.core.tests.test_parallel import _worker_pid
results = list(ordered_map(_worker_pid, range(12), workers=2))
assert [n for n, _ in results] == list(range(12)), results
assert os.getpid() not in {pid for _, pid in results}, results
print("spread", len({pid for _, pid in results}))
"""


def test_work_is_spread_over_forked_workers_and_comes_back_in_order():
    # In a process of its own: this test run may be running other threads (a live server).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redink.settings", "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", SPREAD], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["spread", "2"]


@pytest.mark.django_db
def test_a_parent_inside_a_transaction_does_the_work_itself():
    # The test runs in a transaction: its connection cannot be closed before forking, and a
    # worker must never share it.
    results = list(ordered_map(_worker_pid, range(6), workers=2))
    assert results == [(n, os.getpid()) for n in range(6)]


@pytest.mark.django_db(transaction=True)
def test_a_process_running_other_threads_does_the_work_itself():
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        results = list(ordered_map(_worker_pid, range(6), workers=2))
    finally:
        release.set()
        other.join()
    assert results == [(n, os.getpid()) for n in range(6)]


def _slow_or_crashing(n: int) -> int:
    """Job 3 hangs in C code (a sleep no signal handler of ours interrupts), job 5 kills its process."""
    import time

    if n == 3:
        time.sleep(60)
    if n == 5:
        os.kill(os.getpid(), 9)
    return n * 10


KILLED = """
import os, time, django
django.setup()
from redink.core.parallel import ordered_map
from redink.core.tests.test_parallel import _slow_or_crashing
started = time.monotonic()
results = list(ordered_map(_slow_or_crashing, range(8), workers=2, timeout=1.5, on_failure=lambda n, why: (n, why)))
print(repr(results), round(time.monotonic() - started))
"""


def test_a_job_that_overruns_or_crashes_its_worker_is_killed_and_the_rest_carry_on():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "redink.settings", "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", KILLED], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results, seconds = done.stdout.rsplit(" ", 1)
    assert results == repr([0, 10, 20, (3, "timed out"), 40, (5, "crashed"), 60, 70])
    assert int(seconds) < 10, "the hung job was killed at its time limit, not waited for"


def test_an_isolated_call_is_killed_at_its_time_limit():
    import time

    from redink.core.parallel import TIMED_OUT, WorkFailed, run_isolated

    started = time.monotonic()
    with pytest.raises(WorkFailed) as failure:
        run_isolated(_slow_or_crashing, 3, timeout=0.5)
    assert failure.value.reason == TIMED_OUT
    assert time.monotonic() - started < 5
    assert run_isolated(_slow_or_crashing, 4, timeout=5) == 40


def test_an_isolated_call_raises_the_childs_exception_and_reports_a_crash():
    from redink.core.parallel import CRASHED, WorkFailed, run_isolated

    with pytest.raises(ZeroDivisionError):
        run_isolated(lambda n: 1 // n, 0, timeout=5)
    with pytest.raises(WorkFailed) as failure:
        run_isolated(_slow_or_crashing, 5, timeout=5)
    assert failure.value.reason == CRASHED
