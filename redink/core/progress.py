"""A small text progress bar for management commands (no dependency needed)."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    def __init__(self, *, total: int, label: str, stream: TextIO, enabled: bool = True, width: int = 30) -> None:
        self.total, self.label, self.stream, self.enabled, self.width = max(total, 0), label, stream, enabled, width
        self.started = time.monotonic()
        self._last_draw = 0.0
        self.done = 0

    def update(self, done: int, total: int | None = None) -> None:
        """`done` of `total` (which may be learnt, or corrected, along the way)."""
        self.done = done
        if total is not None:
            self.total = max(total, 0)
        now = time.monotonic()
        if self.enabled and (now - self._last_draw > 0.2 or done >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        fraction = min(1.0, self.done / self.total) if self.total else 1.0
        filled = int(self.width * fraction)
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate and self.total > self.done else 0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done:,}/{self.total:,} "
            f"{fraction:4.0%} {rate:,.0f}/s ETA {eta:,.0f}s "
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
