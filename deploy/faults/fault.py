"""Fault drills against a throwaway stack: `python deploy/faults/fault.py postgres-restart|nginx-cache-wipe`.

Each drill starts its own PostgreSQL (initdb in a temporary folder, on a free port) and Redis
(no persistence, on a free port), never the machine's shared ones, brings the production stack
up on them (`redink.ops.stack.Stack`, with the demo essays), runs a load for `--seconds`,
applies the fault in the middle, and prints a verdict with figures per kind of request:
requests, errors by kind (server errors, no answer, signed out), inside and outside the fault
window, and the time from the fault's end to the first good answer. It exits 1 if an error
fell outside the fault window or the site did not recover. Run as root (PostgreSQL's initdb
runs as the postgres user).

The load is visitors' pages (which nginx may answer from its cache, stale while Django
cannot) and, in the PostgreSQL drill, a member's: signed in by a session cookie made for the
run, so nginx passes every one to Django and every one reads the database. A member's answer
counts as good only if it is the whole essay (its closing paragraph, which visitors never
get) or the member's reading list, not a sign-in page.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

from redink.ops.stack import Stack, free_port  # noqa: E402
from redink.testing.leaks import page_runs, runs  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PAGES = ("/", "/search/?q=history", "/gcse/")


def as_postgres(*command: str) -> None:
    subprocess.run(["/usr/sbin/runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)  # noqa: S603


@dataclass
class ThrowawayPostgres:
    directory: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/redink_fault"

    def start(self) -> ThrowawayPostgres:
        self.directory.mkdir(parents=True)
        shutil.chown(self.directory, "postgres", "postgres")
        as_postgres(str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "--auth=trust", "-U", "postgres")
        self.pg_ctl("start", "-w")
        return self

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "postgres.log")
        as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-o", options, "-l", log, *args)

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")


@dataclass(frozen=True)
class Page:
    """An address one kind of request asks for; `expect`, if given, must be in a good answer."""

    path: str
    expect: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of request in the load: its pages, the cookies it sends, how many threads."""

    name: str
    pages: Sequence[Page]
    cookies: Mapping[str, str] = field(default_factory=dict)
    threads: int = 2
    # Sends nothing while the fault is on: the first requests after it meet whatever the
    # processes kept from before (a database connection PostgreSQL has since closed).
    idle_during_fault: bool = False


@dataclass(frozen=True)
class Result:
    kind: str
    began: float
    ended: float
    error: str  # "" for a good answer, else what went wrong


VISITORS = Kind("visitor", [Page(path) for path in PAGES], threads=3)


def classify(page: Page, status: int, body: bytes, cache: str, *, signed_in: bool) -> str:
    """What is wrong with an answer, "" if nothing."""
    if status >= 500 or status == 429:
        return f"HTTP {status}"
    if not signed_in:
        return ""
    if status != 200:
        return "signed out" if status in (301, 302) else f"HTTP {status}"
    if cache not in ("", "BYPASS"):
        return f"cached copy ({cache})"  # a member's page must come from Django
    if page.expect and not runs(page.expect) <= page_runs(body.decode("utf-8", "replace")):
        return "not the member's page"
    return ""


@dataclass
class Load:
    """Requests of each kind from a few threads, on keep-alive connections, each timed and classed."""

    base_url: str
    kinds: Sequence[Kind] = (VISITORS,)
    results: list[Result] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    fault_on: threading.Event = field(default_factory=threading.Event)

    def _run(self, kind: Kind, offset: int) -> None:
        parts = urlsplit(self.base_url)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in kind.cookies.items())} if kind.cookies else {}
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        n = offset
        while not self.stopping.is_set():
            if kind.idle_during_fault and self.fault_on.is_set():
                time.sleep(0.01)
                continue
            page = kind.pages[n % len(kind.pages)]
            n += 1
            began = time.monotonic()
            try:
                connection.request("GET", page.path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                cache = response.headers.get("X-Cache-Status", "")
                error = classify(page, response.status, body, cache, signed_in=bool(kind.cookies))
            except (http.client.HTTPException, OSError) as exc:
                error = f"no answer ({type(exc).__name__})"
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
            self.results.append(Result(kind.name, began, time.monotonic(), error))
        connection.close()

    def __enter__(self) -> Load:
        self.workers = [
            threading.Thread(target=self._run, args=(kind, i), daemon=True)
            for kind in self.kinds
            for i in range(kind.threads)
        ]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for worker in self.workers:
            worker.join(timeout=15)


def verdict(name: str, load: Load, fault_start: float, fault_end: float, grace: float) -> bool:
    """Print the figures per kind of request; True if nothing failed outside the window
    (the fault, plus `grace` after it) and every kind had a good answer after the fault."""
    window_end = fault_end + grace
    print(f"fault: {name}")
    print(f"fault window: {fault_end - fault_start:.1f} s, +{grace:.0f} s grace")
    passed = True
    for kind in load.kinds:
        results = sorted((r for r in load.results if r.kind == kind.name), key=lambda r: r.began)
        # Inside the window: a request that was in flight at any moment of it. A kind that
        # sends nothing during the fault gets no grace: each of its errors came after it.
        end = fault_end if kind.idle_during_fault else window_end
        inside = Counter(r.error for r in results if r.error and r.began <= end and r.ended >= fault_start)
        outside = Counter(r.error for r in results if r.error and not (r.began <= end and r.ended >= fault_start))
        first_good = next((r.ended for r in results if not r.error and r.began >= fault_end), None)
        recovery = "never" if first_good is None else f"{max(0.0, first_good - fault_end):.2f} s after the fault ended"
        print(f"{kind.name} requests: {len(results)}, errors: {sum(inside.values()) + sum(outside.values())}")
        print(f"  during the fault window: {sum(inside.values())} {_by_error(inside)}")
        print(f"  outside it: {sum(outside.values())} {_by_error(outside)}")
        print(f"  recovery: {recovery}")
        passed = passed and not outside and first_good is not None
    print("verdict: " + ("PASS" if passed else "FAIL"))
    return passed


def _by_error(errors: Counter[str]) -> str:
    return "(" + ", ".join(f"{what}: {n}" for what, n in errors.most_common()) + ")" if errors else ""


# Run in the stack's Django (`manage.py shell -c`): a member for the drill, signed in by a session
# of its own, and three essays whose closing paragraph only a reader of the whole essay gets
# (an extracts preview may show a visitor the closing paragraph too: such essays are passed over).
MEMBER = """
import json
from django.conf import settings
from django.test import Client
from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.testing import factories

member = factories.UserFactory(display_name="Drill Member", password=None)
factories.grant_membership(member)
client = Client()
client.force_login(member)
pages = []
for essay in Essay.objects.filter(status=Essay.Status.PUBLISHED).order_by("pk"):
    closing = essay.paragraphs[-1]
    if closing not in essay_text_for(essay=essay, viewer=None).text and len(pages) < 3:
        pages.append([essay.get_absolute_url(), closing])
assert len(pages) == 3, "the library has too few essays whose closing paragraph is hidden from visitors"
cookie = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
print(json.dumps({"cookies": cookie, "pages": pages}))
"""


def member_kinds(stack: Stack) -> list[Kind]:
    """Members signed in for the drill: one set of threads throughout, one idle during the fault."""
    made = json.loads(stack.manage("shell", "-c", MEMBER).strip().splitlines()[-1])
    pages = [Page(path, expect) for path, expect in made["pages"]]
    pages += [Page("/reading-list/"), Page("/search/?q=history+essay")]
    return [
        Kind("member", pages, cookies=made["cookies"], threads=2),
        Kind("member idle during the fault", pages, cookies=made["cookies"], threads=1, idle_during_fault=True),
    ]


def postgres_restart(stack: Stack, pg: ThrowawayPostgres, seconds: float) -> bool:
    with Load(stack.url, [VISITORS, *member_kinds(stack)]) as load:
        time.sleep(seconds / 2)
        load.fault_on.set()
        start = time.monotonic()
        pg.pg_ctl("restart", "-m", "fast", "-w")
        end = time.monotonic()
        load.fault_on.clear()
        time.sleep(seconds / 2)
    # Members' requests reach PostgreSQL and fail while it is down; a connection Django kept
    # from before the restart is checked before it is used again (CONN_HEALTH_CHECKS).
    return verdict("PostgreSQL restarted under load", load, start, end, grace=1.0)


def nginx_cache_wipe(stack: Stack, pg: ThrowawayPostgres, seconds: float) -> bool:
    with Load(stack.url) as load:
        time.sleep(seconds / 2)
        start = time.monotonic()
        for entry in stack.cache_dir.iterdir():
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
        end = time.monotonic()
        time.sleep(seconds / 2)
    # Nothing may fail: the pages come from Django until nginx has them again.
    return verdict("nginx's cache wiped under load", load, start, end, grace=0.0)


DRILLS = {"postgres-restart": postgres_restart, "nginx-cache-wipe": nginx_cache_wipe}


@contextlib.contextmanager
def throwaway_site(
    env: Mapping[str, str] | None = None, *, web_workers: int = 4
) -> Iterator[tuple[Stack, ThrowawayPostgres]]:
    """A PostgreSQL, a Redis and the whole stack of our own, on free ports, with the demo
    essays; all of it stopped and deleted afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="redink-fault-"))
    shutil.chown(workdir, "postgres", "postgres")
    pg = ThrowawayPostgres(workdir / "postgres").start()
    redis_port = free_port()
    redis = subprocess.Popen(  # noqa: S603 - the machine's redis-server, our own arguments
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    stack = Stack(
        workdir / "stack",
        http_port=free_port(),
        web_port=free_port(),
        web_workers=web_workers,
        database_url=pg.url,
        redis_url=f"redis://127.0.0.1:{redis_port}/0",
        env={"REDINK_SHARED_CACHE_SECONDS": "2", "REDINK_SEARCHES_PER_MINUTE": "100000", **(env or {})},
    )
    try:
        stack.up(load_demo=True)
        yield stack, pg
    finally:
        stack.down()
        redis.terminate()
        redis.wait(timeout=10)
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("drill", choices=sorted(DRILLS))
    parser.add_argument("--seconds", type=float, default=20.0, help="How long the load runs (default 20).")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn's worker processes (default 4).")
    args = parser.parse_args()
    if args.seconds <= 0 or args.web_workers < 1:
        parser.error("--seconds must be above 0 and --web-workers at least 1")
    with throwaway_site(web_workers=args.web_workers) as (stack, pg):
        passed = DRILLS[args.drill](stack, pg, args.seconds)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
