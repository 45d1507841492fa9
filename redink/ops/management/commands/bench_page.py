"""The essay page on one gunicorn process: its server time, and its throughput as a share of
nginx serving the same bytes as a file.

    python manage.py bench_page                 # on the essays in DATABASE_URL
    python manage.py bench_page --json page.json

Starts gunicorn (one worker) and nginx from the production stack (`redink.ops.stack`), logs in a
member made for the run, then measures, one request at a time straight to gunicorn, the median
time of a member's essay page and of a visitor's (what nginx's cache spares Django), each over
`--essays` different essays; and with `wrk` the highest rate of the member's page against nginx
serving the page's bytes as a file (the budget: at least 2%).
"""

from __future__ import annotations

import json
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
        stack.up()
        try:
            cookie = loadgen.log_in(stack.url, email=email, password=password)
            essays = paths.essays[: options["essays"]]
            report: dict[str, Any] = {"essays": paths.essay_count, "web_workers": 1}
            report["server_time_ms"] = {
                "member": self._median(stack.web_url, essays, {"Cookie": cookie}, options["rounds"]),
                "visitor": self._median(stack.web_url, essays, {}, options["rounds"]),
            }
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
    def _median(base: str, essays: list[str], headers: dict[str, str], rounds: int) -> float:
        """Each essay once to warm it (its parts rendered and kept), then `rounds` timed requests
        of each; the median of all."""
        for path in essays:
            status, _, _ = fetch(base + path, headers)
            if status != 200:
                raise CommandError(f"{path} answered {status}")
        samples = [fetch(base + path, headers)[2] for _ in range(rounds) for path in essays]
        return round(statistics.median(samples), 2)
