"""What `bench_load` and `bench_page` share: the stack they start, the member they log in as,
the addresses they ask for, and the `wrk` ratios against nginx serving the same bytes."""

from __future__ import annotations

import http.client
import os
import random
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils import timezone

from redink.ops import loadgen
from redink.ops.stack import Stack

BENCH_MEMBER = "bench-member@example.org"
# The whole mix comes from one address, which stands for a crowd: the per-address limits on
# searches would otherwise refuse the crowd's searches as one visitor's.
UNLIMITED = {
    "REDINK_SEARCHES_PER_MINUTE": str(10**9),
    "REDINK_SUGGESTIONS_PER_MINUTE": str(10**9),
}


def stack_for_bench(
    run_dir: Path, *, http_port: int, web_port: int, web_workers: int, services: tuple[str, ...] | None = None
) -> Stack:
    """The production stack on this process's database and Redis (none: the database's cache)."""
    extra = {} if services is None else {"services": services}
    return Stack(
        run_dir,
        http_port=http_port,
        web_port=web_port,
        web_workers=web_workers,
        database_url=settings.DATABASE_URL,
        redis_url=os.environ.get("REDIS_URL", ""),
        env=UNLIMITED,
        **extra,  # type: ignore[arg-type]
    )


def bench_member() -> tuple[str, str]:
    """A member account for the run, with a new password each time: (e-mail, password)."""
    from allauth.account.models import EmailAddress

    from redink.access.models import Entitlement
    from redink.accounts.models import User

    password = secrets.token_urlsafe(16)
    user = User.objects.filter(email=BENCH_MEMBER).first() or User(email=BENCH_MEMBER, display_name="Bench Member")
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=BENCH_MEMBER, defaults={"verified": True, "primary": True})
    now = timezone.now()
    Entitlement.objects.create(
        user=user,
        source=Entitlement.Source.GRANT,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=1),
    )
    return BENCH_MEMBER, password


@dataclass(frozen=True)
class LibraryPaths:
    essay_count: int
    essays: list[str]  # in a random order: the load's popularity ranks
    listings: list[str]
    searches: list[str]


def library_paths(*, seed: int, most_essays: int = 20_000) -> LibraryPaths:
    """Real addresses of the library: its essays, its listing pages, the search log's queries."""
    from redink.catalogue.models import Essay, Level, Section, Subject
    from redink.search.bench.querylog import load_log

    published = Essay.objects.published()
    count = published.count()
    slugs = list(published.order_by("pk").values_list("slug", flat=True)[:most_essays])
    random.Random(seed).shuffle(slugs)  # noqa: S311 - a reproducible order, not a secret
    pages = [
        *(level.get_absolute_url() for level in Level.objects.all()),
        *(subject.get_absolute_url() for subject in Subject.objects.select_related("level")),
        *(section.get_absolute_url() for section in Section.objects.select_related("subject__level")),
    ]
    listings = [address for url in pages for address in (url, f"{url}?page=2", f"{url}?sort=newest")]
    searches = [f"/search/?{urlencode(query.params)}" for query in load_log()]
    if not (slugs and listings and searches):
        raise RuntimeError("The library has no published essays, listings or search log to ask for.")
    return LibraryPaths(count, [f"/essays/{slug}/" for slug in slugs], listings, searches)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
    """One GET: status, body and milliseconds."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    started = time.perf_counter()
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, (time.perf_counter() - started) * 1000


def server_time(url: str, *, headers: dict[str, str] | None = None, rounds: int = 50) -> float:
    """Median milliseconds of one request at a time (after a warm-up), straight to gunicorn."""
    for _ in range(3):
        fetch(url, headers)
    return statistics.median(fetch(url, headers)[2] for _ in range(rounds))


def static_copy(stack: Stack, body: bytes, *, name: str) -> str:
    """Save `body` where nginx serves static files; returns its address."""
    folder = stack.static_root / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body)
    return f"{stack.url}/static/bench/{name}"


def page_ratios(
    stack: Stack, *, essay_path: str, cookie: str, seconds: int, web_direct: bool = False
) -> dict[str, Any]:
    """`wrk` on nginx serving the page as a file, on the anonymous page from nginx's cache, and on
    a member's page (past the cache, to Django; `web_direct`: straight to gunicorn), each
    against its own bytes as a file, in alternating turns (`_interleaved`)."""
    page_url = stack.url + essay_path
    for _ in range(2):
        status, body, _ = fetch(page_url)  # the second answer comes from nginx's cache
    if status != 200:
        raise RuntimeError(f"{page_url} answered {status}")
    member_url = (stack.web_url if web_direct else stack.url) + essay_path
    status, member_body, _ = fetch(member_url, {"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"{member_url} answered {status} to the member")
    static, cached, cached_share = _interleaved(
        lambda s: loadgen.run_wrk(static_copy(stack, body, name="page.html"), seconds=s),
        lambda s: loadgen.run_wrk(page_url, seconds=s),
        seconds=seconds,
    )
    member_static, member, member_share = _interleaved(
        lambda s: loadgen.run_wrk(static_copy(stack, member_body, name="member.html"), seconds=s),
        lambda s: loadgen.run_wrk(member_url, seconds=s, connections=4, headers={"Cookie": cookie}),
        seconds=seconds,
    )

    def row(result: loadgen.WrkResult, share: float | None) -> dict[str, Any]:
        return {
            "requests_per_s": round(result.requests_per_s, 1),
            "to_static": round(share, 4) if share is not None else None,
            "p50_ms": round(result.latency_p50_ms, 2),
            "non_2xx": result.non_2xx,
            "socket_errors": result.socket_errors,
        }

    return {
        "page_bytes": len(body),
        "member_page_bytes": len(member_body),
        "static": row(static, 1.0),
        "anonymous_cached": row(cached, cached_share),
        "member_static": row(member_static, 1.0),
        "member": row(member, member_share),
    }


# A shared machine's load comes and goes within seconds: one run of each, one after the other,
# put a third of a difference down to the moment. Each pair is measured in ROUNDS alternating
# turns, and the share is the median of the turns' shares.
ROUNDS = 3


def _interleaved(
    reference: Callable[[int], loadgen.WrkResult], measured: Callable[[int], loadgen.WrkResult], *, seconds: int
) -> tuple[loadgen.WrkResult, loadgen.WrkResult, float | None]:
    """`reference` and `measured` in turns of about seconds / ROUNDS each: the runs with the
    median rates, and the median of each turn's share of the reference."""
    turn = max(1, round(seconds / ROUNDS))
    pairs = [(reference(turn), measured(turn)) for _ in range(ROUNDS)]
    shares = [m.requests_per_s / r.requests_per_s for r, m in pairs if r.requests_per_s]

    def median_run(runs: list[loadgen.WrkResult]) -> loadgen.WrkResult:
        return sorted(runs, key=lambda run: run.requests_per_s)[len(runs) // 2]

    return (
        median_run([r for r, _ in pairs]),
        median_run([m for _, m in pairs]),
        statistics.median(shares) if shares else None,
    )


def print_load(write: Callable[[str], Any], report: dict[str, Any]) -> None:
    warm_up = report.get("warm_up")
    if warm_up:
        write(f"warm-up, not counted below: {warm_up['seconds']:g} s from a cold start")
        _load_table(write, warm_up)
    load = report.get("load")
    if load:
        write(
            f"{report['database']}, {report['essays']:,} essays, {report['web_workers']} gunicorn workers: "
            f"asked {load['rate_asked']:g}/s for {load['seconds']:g} s, served {load['rate_served']:g}/s"
        )
        _load_table(write, load)
    ratios = report.get("ratios")
    if ratios:
        write(
            f"wrk, each page against nginx serving its bytes as a file "
            f"(visitor's {ratios['page_bytes']:,} bytes, member's {ratios['member_page_bytes']:,}):"
        )
        for name in ("static", "anonymous_cached", "member_static", "member"):
            row = ratios[name]
            share = f"{100 * row['to_static']:.1f}% of static" if row["to_static"] is not None else ""
            write(f"  {name:<17}{row['requests_per_s']:>10.0f} requests/s  p50 {row['p50_ms']} ms  {share}")
    if "server_time_ms" in report:
        write("server time, one request at a time straight to gunicorn (median ms):")
        for name, value in report["server_time_ms"].items():
            write(f"  {name:<17}{value:>8.2f}")
    if "worker_cpu_ms" in report:
        write("the gunicorn worker's CPU time per request (mean ms):")
        for name, value in report["worker_cpu_ms"].items():
            write(f"  {name:<17}{value:>8.2f}")


def _load_table(write: Callable[[str], Any], load: dict[str, Any]) -> None:
    write(f"{'kind':<10}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'5xx':>6}")
    for name, kind in [*load["by_kind"].items(), ("all", load["all"])]:
        write(
            f"{name:<10}{kind['requests']:>9}{kind['p50_ms']:>9}{kind['p95_ms']:>9}{kind['p99_ms']:>9}"
            f"{kind['max_ms']:>9}{kind['errors']:>8}{kind['5xx']:>6}"
        )
