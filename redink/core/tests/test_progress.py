"""The progress bar of the bulk commands: counts reported so far, totals learnt on the way."""

import io
import subprocess
import sys
from pathlib import Path

from redink.core.progress import ProgressBar

ROOT = Path(__file__).resolve().parents[3]


def test_counts_so_far_and_a_total_learnt_later_are_shown():
    stream = io.StringIO()
    bar = ProgressBar(total=0, label="Indexing", stream=stream, unit="essays")
    bar.update(400, 1000)
    bar.update(1000)
    bar.finish()
    last = stream.getvalue().split("\r")[-1]
    assert last.startswith("Indexing: 100%") and "1000/1000" in last and "essays/s" in last


def test_a_quiet_command_draws_nothing():
    stream = io.StringIO()
    bar = ProgressBar(total=10, label="Relating", stream=stream, enabled=False)
    bar.update(10)
    bar.finish()
    assert stream.getvalue() == ""


def test_a_bar_starts_no_thread():
    """A thread alive in the process that forks the search rebuild's workers made the rebuild
    half as slow again (tqdm starts a monitor thread with its first bar, even a quiet one).
    In a fresh interpreter, where no earlier bar has started one."""
    probe = (
        "import io, threading\n"
        "from redink.core.progress import ProgressBar\n"
        "for enabled in (False, True):\n"
        "    bar = ProgressBar(total=10, label='Indexing', stream=io.StringIO(), enabled=enabled)\n"
        "    bar.update(5)\n"
        "    bar.finish()\n"
        "print(threading.active_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"
