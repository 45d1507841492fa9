"""The essay page on one gunicorn process: its server time, and its throughput as a share of
nginx serving the same bytes as a file.

    python manage.py bench_page                 # on the essays in DATABASE_URL
    python manage.py bench_page --json page.json

Starts gunicorn (one worker) and nginx from the production stack (`redink.ops.stack`), logs in a
member made for the run, then measures, one request at a time straight to gunicorn, the median
time of a member's essay page and of a visitor's (what nginx's cache spares Django), each over
`--essays` different essays, with the worker's CPU time per request (from `/proc`: the wall time
on a shared machine includes waits on PostgreSQL and on other work, the CPU time does not); and
with `wrk` the highest rate of the member's page against nginx
serving the page's bytes as a file (the budget: at least 2%).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from redink.ops import loadgen
from redink.ops.bench import bench_member, fetch, library_paths, page_ratios, print_load, stack_for_bench


class Command(BaseCommand):
    help = "Essay page server time on one gunicorn process, and its share of nginx static throughput."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--essays", type=int, default=20, help="Different essays timed (default 20).")
        parser.add_argument("--rounds", type=int, default=10, help="Requests per essay (default 10).")
        parser.add_argument("--http-port", type=int, default=8092)
        parser.add_argument("--web-port", type=int, default=8093)
        parser.add_argument("--run-dir", type=Path)
        parser.add_argument("--ratio-seconds", type=int, default=5)
        parser.add_argument("--json", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["essays"] <= 0 or options["rounds"] <= 0:
            raise CommandError("--essays and --rounds must be above zero.")
        paths = library_paths(seed=1)
        email, password = bench_member()
        run_dir = options["run_dir"] or Path(tempfile.mkdtemp(prefix="redink-bench-page-"))
        stack = stack_for_bench(
            run_dir,
            http_port=options["http_port"],
            web_port=options["web_port"],
            web_workers=1,
            services=("web", "nginx"),
        )
        started = stack.up()
        worker = _web_worker(next(process.pid for process in started if process.name == "web"))
        try:
            cookie = loadgen.log_in(stack.url, email=email, password=password)
            essays = paths.essays[: options["essays"]]
            report: dict[str, Any] = {"essays": paths.essay_count, "web_workers": 1}
            member, member_cpu = self._median(stack.web_url, essays, {"Cookie": cookie}, options["rounds"], worker)
            visitor, visitor_cpu = self._median(stack.web_url, essays, {}, options["rounds"], worker)
            report["server_time_ms"] = {"member": member, "visitor": visitor}
            report["worker_cpu_ms"] = {"member": member_cpu, "visitor": visitor_cpu}
            if options["ratio_seconds"] and loadgen.wrk_available():
                report["ratios"] = page_ratios(
                    stack, essay_path=essays[0], cookie=cookie, seconds=options["ratio_seconds"], web_direct=True
                )
        finally:
            stack.down()
        report["database"] = "—"
        print_load(self.stdout.write, report)
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")

    @staticmethod
    def _median(base: str, essays: list[str], headers: dict[str, str], rounds: int, worker: int) -> tuple[float, float]:
        """Each essay once to warm it (its parts rendered and kept), then `rounds` timed requests
        of each: the median of their wall times, and the worker's mean CPU time per request (the
        kernel counts it in ticks of 10 ms, too coarse for one request but not for hundreds)."""
        for path in essays:
            status, _, _ = fetch(base + path, headers)
            if status != 200:
                raise CommandError(f"{path} answered {status}")
        cpu_before = _cpu_seconds(worker)
        samples = [fetch(base + path, headers)[2] for _ in range(rounds) for path in essays]
        cpu_ms = (_cpu_seconds(worker) - cpu_before) * 1000 / len(samples)
        return round(statistics.median(samples), 2), round(cpu_ms, 2)


def _web_worker(master: int) -> int:
    """The one gunicorn worker under the master process `master`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            return int(stat.parent.name)
    raise CommandError(f"gunicorn (pid {master}) has no worker")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
