"""Load for the benchmarks: an open-loop request mix at a fixed rate, and `wrk` for the most a
server can answer.

The mix is open-loop: the i-th request is due at `start + i / rate` whatever became of the ones
before it, and its latency is counted from when it was due, not from when a thread was free
to send it. A closed loop (each client waits for its answer before asking again, as `wrk` and
locust's users do) slows down with the server and so hides the queueing a real crowd of
visitors meets. `wrk` has no fixed-rate mode (`wrk2` is not packaged), so it is kept for what it
is good at: the highest rate one address can be served at, against nginx serving the same bytes
from a file.

Plain `http.client` in threads: each thread holds one keep-alive connection, and a request
that finds every thread busy waits for one, its wait counted in its latency.
"""

from __future__ import annotations

import http.client
import queue
import random
import re
import shutil
import statistics
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Kind:
    """One kind of request in the mix: its share and the addresses it picks from."""

    name: str
    share: float
    paths: Sequence[str]
    headers: Mapping[str, str] = field(default_factory=dict)
    # Zipf-like popularity (the first paths are asked most), as readers of a library ask for
    # some essays far more than others; False: every path alike.
    popular_first: bool = False


@dataclass
class KindResult:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # no answer: timeouts, refused, reset

    @property
    def errors(self) -> int:
        """Requests that failed: no answer, or a status of 400 or above."""
        return sum(self.failures.values()) + sum(n for status, n in self.statuses.items() if status >= 400)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict[str, object]:
        return {
            "requests": len(self.latencies_ms) + sum(self.failures.values()),
            "p50_ms": round(statistics.median(self.latencies_ms), 1) if self.latencies_ms else 0.0,
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "max_ms": round(max(self.latencies_ms, default=0.0), 1),
            "errors": self.errors,
            "5xx": self.server_errors,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "failures": dict(self.failures),
        }


@dataclass
class LoadResult:
    rate: float  # asked for, requests per second
    seconds: float  # asked for
    elapsed: float  # from the first request due to the last answer
    kinds: dict[str, KindResult]

    @property
    def sent(self) -> int:
        return sum(len(k.latencies_ms) + sum(k.failures.values()) for k in self.kinds.values())

    @property
    def errors(self) -> int:
        return sum(k.errors for k in self.kinds.values())

    @property
    def server_errors(self) -> int:
        return sum(k.server_errors for k in self.kinds.values())

    def all_requests(self) -> KindResult:
        merged = KindResult("all")
        for kind in self.kinds.values():
            merged.latencies_ms += kind.latencies_ms
            merged.statuses.update(kind.statuses)
            merged.failures.update(kind.failures)
        return merged

    def summary(self) -> dict[str, object]:
        return {
            "rate_asked": self.rate,
            "seconds": self.seconds,
            "rate_served": round(self.sent / self.elapsed, 1) if self.elapsed else 0.0,
            "by_kind": {name: kind.summary() for name, kind in self.kinds.items()},
            "all": self.all_requests().summary(),
        }


def _zipf_weights(count: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(count)]


def schedule(kinds: Sequence[Kind], *, rate: float, seconds: float, seed: int = 1) -> list[tuple[float, Kind, str]]:
    """Every request of the run: when it is due (seconds from the start), its kind and path."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    total = int(rate * seconds)
    shares = [kind.share for kind in kinds]
    weights = {kind.name: _zipf_weights(len(kind.paths)) if kind.popular_first else None for kind in kinds}
    plan = []
    for i, kind in enumerate(rng.choices(kinds, weights=shares, k=total)):
        path = rng.choices(kind.paths, weights=weights[kind.name])[0]
        plan.append((i / rate, kind, path))
    return plan


def run_open_loop(
    base_url: str,
    kinds: Sequence[Kind],
    *,
    rate: float,
    seconds: float,
    threads: int = 64,
    timeout: float = 10.0,
    seed: int = 1,
) -> LoadResult:
    """Send the mix at `rate` requests a second for `seconds` and gather each kind's latencies
    (from when each request was due) and statuses."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    plan = schedule(kinds, rate=rate, seconds=seconds, seed=seed)
    results = {kind.name: KindResult(kind.name) for kind in kinds}
    lock = threading.Lock()
    due: queue.Queue[tuple[float, Kind, str] | None] = queue.Queue()

    def worker() -> None:
        connection: http.client.HTTPConnection | None = None
        while (item := due.get()) is not None:
            at, kind, path = item
            failure = ""
            status = 0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(host, port, timeout=timeout)
                connection.request("GET", path, headers={"Accept-Encoding": "gzip", **kind.headers})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as exc:
                failure = type(exc).__name__
                if connection is not None:
                    connection.close()
                connection = None
            latency = (time.perf_counter() - start - at) * 1000
            with lock:
                result = results[kind.name]
                if failure:
                    result.failures[failure] += 1
                else:
                    result.statuses[status] += 1
                    result.latencies_ms.append(latency)
        if connection is not None:
            connection.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start = time.perf_counter()
    for item in plan:
        wait = start + item[0] - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        due.put(item)
    for _ in pool:
        due.put(None)
    for thread in pool:
        thread.join()
    return LoadResult(rate=rate, seconds=seconds, elapsed=time.perf_counter() - start, kinds=results)


# --- wrk: the most one address can be served at -------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    url: str
    requests_per_s: float
    latency_p50_ms: float
    non_2xx: int
    socket_errors: int


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str, *, seconds: int = 5, connections: int = 16, threads: int = 2, headers: Mapping[str, str] | None = None
) -> WrkResult:
    """`wrk` at full speed on one address (closed loop: as fast as the server answers)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    median = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        url=url,
        requests_per_s=float(rate.group(1)) if rate else 0.0,
        latency_p50_ms=_ms(median.group(1)) if median else 0.0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


# --- A member's session, by logging in as a person does -----------------------------------


class LoginError(RuntimeError):
    pass


def log_in(base_url: str, *, email: str, password: str) -> str:
    """Log in through the site's own form; returns the `Cookie` header of the session."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    try:
        connection.request("GET", "/accounts/login/")
        page = connection.getresponse()
        html = page.read().decode()
        cookies = _cookies(page.headers.get_all("Set-Cookie") or [])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if page.status != 200 or not token or "csrftoken" not in cookies:
            raise LoginError(f"the login page answered {page.status} without a form to fill in")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "login": email, "password": password})
        connection.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
            },
        )
        answer = connection.getresponse()
        answer.read()
        cookies.update(_cookies(answer.headers.get_all("Set-Cookie") or []))
    finally:
        connection.close()
    if "sessionid" not in cookies:
        raise LoginError(f"logging in as {email} answered {answer.status} and set no session")
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def _cookies(headers: Sequence[str]) -> dict[str, str]:
    found = {}
    for header in headers:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found
