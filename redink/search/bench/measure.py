"""Timing helpers for the benchmarks: medians and percentiles of repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timings:
    samples_ms: list[float]

    def percentile(self, p: float) -> float:
        if not self.samples_ms:
            return 0.0
        ordered = sorted(self.samples_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else 0.0

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": round(self.p50, 2),
            "p95_ms": round(self.p95, 2),
            "p99_ms": round(self.p99, 2),
            "n": len(self.samples_ms),
        }


def time_each(calls: list[Callable[[], object]], *, rounds: int = 1) -> Timings:
    """Time every call `rounds` times (after one warm-up pass) and keep each call's median."""
    for call in calls:
        call()
    samples = []
    for call in calls:
        runs = []
        for _ in range(rounds):
            start = time.perf_counter()
            call()
            runs.append((time.perf_counter() - start) * 1000)
        samples.append(statistics.median(runs))
    return Timings(samples)
