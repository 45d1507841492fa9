"""Progress bars for management commands, drawn by tqdm.

The services report how many items are done so far (and, where it is learnt on the way, out of
how many), while tqdm counts steps: `update` turns the one into the other, so no service needs
to know about tqdm.

tqdm starts a monitor thread with its first bar, even a disabled one. With that thread alive in
the process that forks the index rebuild's workers, the rebuild of 20,000 essays on SQLite took
50 s instead of 34 s (and 160,000 essays 328 s instead of 215 s), so these bars run without it:
it only corrects how often a bar redraws when updates stall, which `mininterval` settles here.
"""

from __future__ import annotations

from typing import TextIO

from tqdm import tqdm


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread


class ProgressBar:
    def __init__(self, *, total: int, label: str, stream: TextIO, enabled: bool = True, unit: str = "") -> None:
        interactive = stream.isatty()
        self._bar = _Bar(
            total=total or None,  # 0: not known yet
            desc=label,
            file=stream,
            disable=not enabled,
            unit=f" {unit}" if unit else "it",
            # A log file (no terminal) gets a line every few seconds, not a redraw every fraction.
            mininterval=0.2 if interactive else 5.0,
            dynamic_ncols=interactive,
        )

    def update(self, done: int, total: int | None = None) -> None:
        """`done` of `total` (which may be learnt, or corrected, along the way)."""
        if total is not None and total != self._bar.total:
            self._bar.total = total
            self._bar.refresh()
        self._bar.update(done - self._bar.n)

    def finish(self) -> None:
        self._bar.close()
