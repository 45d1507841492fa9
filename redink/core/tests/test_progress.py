"""The progress bar of the bulk commands: counts reported so far, totals learnt on the way."""

import io

from redink.core.progress import ProgressBar


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
