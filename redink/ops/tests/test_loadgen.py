"""The load generator behind `make bench-load`: the mix it sends, at the rate asked, and the
failures it counts (against a real HTTP server on loopback)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from redink.ops.loadgen import Kind, run_open_loop, schedule


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/slow"):
            time.sleep(0.2)
        status = 500 if self.path.startswith("/broken") else 200
        body = b"ok"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_schedule_sends_each_kind_its_share_at_the_rate_asked() -> None:
    kinds = [Kind("essay", 0.7, ["/a", "/b"], popular_first=True), Kind("search", 0.3, ["/s"])]
    plan = schedule(kinds, rate=200, seconds=10)
    assert len(plan) == 2000
    assert plan[1][0] - plan[0][0] == pytest.approx(1 / 200) and plan[-1][0] < 10
    shares = Counter(kind.name for _, kind, _ in plan)
    assert 0.66 < shares["essay"] / 2000 < 0.74
    essays = Counter(path for _, kind, path in plan if kind.name == "essay")
    assert essays["/a"] > essays["/b"]  # the first is the most popular
    assert schedule(kinds, rate=200, seconds=10) == plan  # the same mix every run


def test_every_failure_is_counted_by_kind_and_latency_runs_from_when_a_request_was_due(server: str) -> None:
    kinds = [Kind("fine", 0.5, ["/fine"]), Kind("broken", 0.25, ["/broken"]), Kind("slow", 0.25, ["/slow"])]
    result = run_open_loop(server, kinds, rate=100, seconds=1, threads=2)
    assert result.sent == 100
    assert result.kinds["broken"].server_errors == result.kinds["broken"].errors > 0
    assert result.kinds["fine"].errors == 0
    assert result.server_errors == result.errors == result.kinds["broken"].errors
    # Two threads cannot keep up with the slow pages: the requests behind them wait, and say so.
    assert result.all_requests().percentile(99) > 200


def test_a_warm_up_is_reported_apart_from_the_measured_run():
    from redink.ops.bench import print_load
    from redink.ops.loadgen import KindResult, LoadResult

    def run(latencies: list[float], seconds: float) -> dict[str, object]:
        kind = KindResult("essay", latencies_ms=latencies, statuses=Counter({200: len(latencies)}))
        return LoadResult(rate=10, seconds=seconds, elapsed=seconds, kinds={"essay": kind}).summary()

    report = {
        "database": "postgresql",
        "essays": 160000,
        "web_workers": 2,
        "warm_up": run([3000.0] * 10, 1),  # a cold start
        "load": run([2.0] * 100, 10),
    }
    lines: list[str] = []
    print_load(lines.append, report)
    text = "\n".join(lines)
    warm, measured = text.split("postgresql, 160,000 essays")
    assert "warm-up, not counted below: 1 s" in warm and "3000.0" in warm
    assert "3000.0" not in measured and "2.0" in measured
