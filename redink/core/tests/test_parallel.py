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
