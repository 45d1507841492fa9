import os

import pytest

from redink.core.parallel import ordered_map


def _worker_pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


@pytest.mark.django_db(transaction=True)
def test_work_is_spread_over_forked_workers_and_comes_back_in_order():
    results = list(ordered_map(_worker_pid, range(12), workers=2))
    assert [n for n, _ in results] == list(range(12))
    assert os.getpid() not in {pid for _, pid in results}


@pytest.mark.django_db
def test_a_parent_inside_a_transaction_does_the_work_itself():
    # The test runs in a transaction: its connection cannot be closed before forking, and a
    # worker must never share it.
    results = list(ordered_map(_worker_pid, range(6), workers=2))
    assert results == [(n, os.getpid()) for n in range(6)]
