"""Tasks for the retry tests: one that fails a given number of times with a connection error,
one that fails with a bug. Each run is counted in a file, so any process can count them."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task


def _count(path: str) -> int:
    runs = Path(path)
    count = int(runs.read_text() or 0) + 1 if runs.exists() else 1
    runs.write_text(str(count))
    return count


@task()
def flaky(runs_file: str, failures: int) -> int:
    count = _count(runs_file)
    if count <= failures:
        raise ConnectionError(f"the service is down (run {count})")
    return count


@task()
def broken(runs_file: str) -> None:
    _count(runs_file)
    raise ValueError("this input can never be processed")
