"""Mixed load through nginx on the production stack: p50/p95/p99 and errors per kind of page.

    make bench-load                                          # 2,000 essays, 20 s, as CI runs it
    make bench-load BENCH_ESSAYS=160000 BENCH_LOAD_SECONDS=600

Brings up the stack (`redink.ops.stack.Stack`: gunicorn, task worker, scheduler, nginx with its
page cache) on the database in DATABASE_URL, filling it with the corpus generator first if it
holds no essays, and sends an open-loop mix at a fixed rate (`redink.ops.loadgen`): 70%
anonymous essay pages, 10% listings, 15% searches (the committed query log), 5% essay pages of
a member logged in for the run (past the page cache, to Django). Then, with `wrk`, the highest
rate nginx serves an anonymous essay page from its cache at, against nginx serving the same
bytes as a file. Exits non-zero on any error or 5xx.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from redink.ops import loadgen
from redink.ops.bench import bench_member, library_paths, page_ratios, print_load, stack_for_bench
from redink.ops.stack import ensure_database

MIX = {"essay": 0.70, "listing": 0.10, "search": 0.15, "member": 0.05}


class Command(BaseCommand):
    help = "Mixed load through nginx at a fixed rate; fails on any error or 5xx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--essays", type=int, default=2000, help="Corpus size when the database is empty.")
        parser.add_argument("--seconds", type=float, default=20.0, help="How long the mix runs (default 20).")
        parser.add_argument("--rate", type=float, default=200.0, help="Requests a second (default 200).")
        parser.add_argument("--threads", type=int, default=256, help="Client threads (connections) at most.")
        parser.add_argument(
            "--warm-seconds",
            type=float,
            default=0.0,
            help="First run the same mix this long, reported apart: a site that has been serving (default 0).",
        )
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2).")
        parser.add_argument("--http-port", type=int, default=8090)
        parser.add_argument("--web-port", type=int, default=8091)
        parser.add_argument("--run-dir", type=Path, help="The stack's directory (default: a new temporary one).")
        parser.add_argument("--ratio-seconds", type=int, default=5, help="Each wrk run (0: no ratios).")
        parser.add_argument("--json", type=Path, help="Write the figures here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rate"] <= 0 or options["seconds"] <= 0:
            raise CommandError("--rate and --seconds must be above zero.")
        ensure_database(settings.DATABASE_URL)
        call_command("migrate", verbosity=0)
        _fill_library(options["essays"], out=self.stderr.write)
        email, password = bench_member()
        run_dir = options["run_dir"] or Path(tempfile.mkdtemp(prefix="redink-bench-load-"))
        stack = stack_for_bench(
            run_dir, http_port=options["http_port"], web_port=options["web_port"], web_workers=options["web_workers"]
        )
        self.stderr.write(f"Starting the stack in {run_dir} …")
        stack.up()
        try:
            cookie = loadgen.log_in(stack.url, email=email, password=password)
            paths = library_paths(seed=1)
            kinds = [
                loadgen.Kind("essay", MIX["essay"], paths.essays, popular_first=True),
                loadgen.Kind("listing", MIX["listing"], paths.listings),
                loadgen.Kind("search", MIX["search"], paths.searches),
                loadgen.Kind("member", MIX["member"], paths.essays, headers={"Cookie": cookie}, popular_first=True),
            ]
            warm_up = None
            if options["warm_seconds"] > 0:
                self.stderr.write(f"Warm-up: the same mix for {options['warm_seconds']:g} s, reported apart …")
                warm_up = loadgen.run_open_loop(
                    stack.url,
                    kinds,
                    rate=options["rate"],
                    seconds=options["warm_seconds"],
                    threads=options["threads"],
                    seed=2,
                )
            self.stderr.write(f"Mix at {options['rate']:g} requests/s for {options['seconds']:g} s …")
            result = loadgen.run_open_loop(
                stack.url, kinds, rate=options["rate"], seconds=options["seconds"], threads=options["threads"]
            )
            report: dict[str, Any] = {
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "essays": paths.essay_count,
                "web_workers": options["web_workers"],
                "mix": MIX,
                "load": result.summary(),
            }
            if warm_up is not None:
                report["warm_up"] = warm_up.summary()
            if options["ratio_seconds"] and loadgen.wrk_available():
                report["ratios"] = page_ratios(
                    stack, essay_path=paths.essays[0], cookie=cookie, seconds=options["ratio_seconds"]
                )
        finally:
            stack.down()
        print_load(self.stdout.write, report)
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")
        for run in (warm_up, result):
            if run is not None and (run.errors or run.server_errors):
                raise CommandError(f"{run.errors} requests failed ({run.server_errors} with a 5xx): see above.")


def _fill_library(essays: int, *, out: Any) -> None:
    """The corpus and its search index, made once: a database that holds essays is used as it is."""
    from redink.catalogue.models import Essay

    held = Essay.objects.count()
    if held and held < essays * 0.9:
        raise CommandError(
            f"The database holds {held:,} essays, not the {essays:,} asked for: name another database "
            "(BENCH_LOAD_DATABASE) or drop this one."
        )
    if held:
        return
    if essays <= 0:
        raise CommandError("--essays must be above zero.")
    out(f"Generating {essays:,} essays and their search index …")
    call_command("generate_corpus", essays=essays, seed=1, quiet=True)
    call_command("rebuild_search_index", verbosity=0)
