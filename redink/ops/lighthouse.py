"""Lighthouse on the pages visitors land on, through nginx on the production stack.

    python -m redink.ops.lighthouse [--url http://127.0.0.1:8080] [--gate-performance]

runs Lighthouse (pinned in deploy/lighthouse/, installed by `npm ci`) on the home page, a
search and an essay page, each with the mobile default and the desktop preset, prints the four
category scores per page and exits 1 when accessibility, best practices or SEO is under 95 on
any of them, naming the audits that cost the points. Performance is printed but only gated
with `--gate-performance` (at 90): on a shared two-core CI machine its timings vary from run to
run, while the other three categories check what the HTML says and do not. `make lighthouse`
starts the stack around it; docs/quality.md has the measured scores.

Like redink.ops.stack, this module imports nothing from Django: it talks to the stack over HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from xml.etree import ElementTree

from redink.ops.stack import BASE_DIR, default_stack

LIGHTHOUSE_DIR = BASE_DIR / "deploy" / "lighthouse"
DRIVER = LIGHTHOUSE_DIR / "run.mjs"
REPORT_DIR = BASE_DIR / ".lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GATED = ("accessibility", "best-practices", "seo")
MINIMUM = 95
PERFORMANCE_MINIMUM = 90
FORM_FACTORS = ("mobile", "desktop")
CHROME_FLAGS = ("--headless=new", "--no-sandbox")
SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class LighthouseError(RuntimeError):
    """The check could not run (the message says what to do about it)."""


@dataclass(frozen=True)
class Page:
    """A page to audit. `skip_audits` are Lighthouse audits that do not apply to it by design,
    left out of its score; `why` says the reason, printed with the results."""

    name: str
    path: str
    skip_audits: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Result:
    """One Lighthouse report: scores out of 100 by category (None when Lighthouse could not
    score it) and, per category, the audits that cost points, worst first."""

    page: str
    form_factor: str
    url: str
    scores: Mapping[str, int | None]
    losing: Mapping[str, tuple[str, ...]]
    error: str = ""


def result_from_report(*, report: Mapping[str, Any], page: str) -> Result:
    """Read the scores and the audits that lost points out of a Lighthouse JSON report."""
    audits: Mapping[str, Any] = report.get("audits", {})
    scores: dict[str, int | None] = {}
    losing: dict[str, tuple[str, ...]] = {}
    for category_id, category in report.get("categories", {}).items():
        score = category.get("score")
        scores[category_id] = None if score is None else round(score * 100)
        lost: list[tuple[float, str]] = []
        for ref in category.get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            audit_score = audit.get("score")
            # Weightless audits (diagnostics, manual checks) never move the score.
            if ref.get("weight", 0) > 0 and audit_score is not None and audit_score < 1:
                shown = audit.get("displayValue")
                title = f"{audit.get('title', ref['id'])} ({shown})" if shown else audit.get("title", ref["id"])
                lost.append((ref["weight"] * (1 - audit_score), f"{title} [{ref['id']}]"))
        losing[category_id] = tuple(title for _, title in sorted(lost, key=lambda item: -item[0]))
    runtime_error = report.get("runtimeError") or {}
    return Result(
        page=page,
        form_factor=report.get("configSettings", {}).get("formFactor", "?"),
        # The address asked for: after a failed load the final one is Chromium's error page.
        url=report.get("requestedUrl") or report.get("finalDisplayedUrl", ""),
        scores=scores,
        losing=losing,
        error=runtime_error.get("message", ""),
    )


def failures(*, results: Sequence[Result], gated: Mapping[str, int]) -> list[str]:
    """One line per page and category under its minimum (or not scored at all), with the
    audits that cost it points."""
    found: list[str] = []
    for result in results:
        where = f"{result.page} ({result.form_factor})"
        if result.error:
            found.append(f"{where}: Lighthouse could not audit {result.url}: {result.error}")
            continue
        for category, minimum in gated.items():
            score = result.scores.get(category)
            if score is None:
                found.append(f"{where}: {category} was not scored")
            elif score < minimum:
                audits = "; ".join(result.losing.get(category, ())) or "no single audit"
                found.append(f"{where}: {category} {score} < {minimum}: {audits}")
    return found


def format_table(results: Sequence[Result]) -> str:
    """The four scores of each page, one row per page and form factor."""
    headers = ["page", "device", *CATEGORIES]
    rows = [
        [r.page, r.form_factor, *("—" if r.scores.get(c) is None else str(r.scores[c]) for c in CATEGORIES)]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [headers, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


# --- The pages ------------------------------------------------------------------------------


def _fetch(url: str, *, any_status: bool = False) -> bytes:
    """The body at url. An HTTP error status is an error unless `any_status` (the audit itself
    then reports it); no answer at all always is."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - our own stack's http URL
            return bytes(response.read())
    except urllib.error.HTTPError as exc:
        if any_status:
            return bytes(exc.read())
        raise LighthouseError(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise LighthouseError(f"nothing answers at {url} ({exc}); start the stack with `make prod-up`") from exc


def first_essay_path(*, sitemap: bytes) -> str:
    """The path of the first essay the sitemap lists (its host may differ from ours: the path is what counts)."""
    try:
        root = ElementTree.fromstring(sitemap)  # noqa: S314 - the sitemap of our own stack
    except ElementTree.ParseError as exc:
        raise LighthouseError(f"the sitemap is not XML: {exc}") from exc
    for loc in root.iter(f"{SITEMAP_NAMESPACE}loc"):
        path = urlsplit((loc.text or "").strip()).path
        if path.startswith("/essays/"):
            return path
    raise LighthouseError("the sitemap lists no essay: load some (`make prod-up` loads the demo library)")


def search_word(essay_path: str) -> str:
    """A word from the essay's slug, so that the search page shows results rather than none."""
    words = [word for word in re.split(r"[^a-z]+", essay_path.lower()) if word != "essays"]
    return max(words, key=len) if words else "essay"


def pages_to_audit(*, base_url: str) -> list[Page]:
    essay = first_essay_path(sitemap=_fetch(urljoin(base_url, "/sitemap.xml")))
    return [
        Page("home", "/"),
        Page(
            "search",
            "/search/?" + urlencode({"q": search_word(essay)}),
            # Result pages say noindex and robots.txt disallows /search/ on purpose: they are
            # endless near-duplicates of the essay pages, which are what should be found.
            skip_audits=("is-crawlable",),
            why="search results are kept out of search engines on purpose (noindex, robots.txt)",
        ),
        Page("essay", essay),
    ]


# --- Running Lighthouse ---------------------------------------------------------------------


def run_lighthouse(
    *, base_url: str, pages: Sequence[Page], report_dir: Path, form_factors: Sequence[str] = FORM_FACTORS
) -> list[Result]:
    """Audit every page in each form factor in one browser; the JSON reports stay in report_dir."""
    node = shutil.which("node")
    if node is None:
        raise LighthouseError("node is not installed (Node 18.16 or newer: apt-get install nodejs npm)")
    if not (LIGHTHOUSE_DIR / "node_modules" / "lighthouse").is_dir():
        raise LighthouseError(f"Lighthouse is not installed: run `npm ci --prefix {LIGHTHOUSE_DIR}`")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        raise LighthouseError(f"no Chromium at {chrome} (apt-get install chromium, or set CHROME_PATH)")
    for page in pages:
        # One request first, so that no audit times a cold worker or an empty nginx cache.
        _fetch(urljoin(base_url, page.path), any_status=True)
    report_dir.mkdir(parents=True, exist_ok=True)
    runs = [
        (page, form_factor, report_dir / f"{page.name}-{form_factor}.json")
        for page in pages
        for form_factor in form_factors
    ]
    for _, _, output in runs:
        output.unlink(missing_ok=True)  # a report left from an earlier run must not pass for this one
    plan = {
        "chromePath": chrome,
        "chromeFlags": list(CHROME_FLAGS),
        "categories": list(CATEGORIES),
        "runs": [
            {
                "url": urljoin(base_url, page.path),
                "formFactor": form_factor,
                "output": str(output),
                "skipAudits": list(page.skip_audits),
            }
            for page, form_factor, output in runs
        ],
    }
    subprocess.run(  # noqa: S603 - node on our own driver script
        [node, str(DRIVER)], input=json.dumps(plan), text=True, cwd=LIGHTHOUSE_DIR, check=False
    )
    results = []
    for page, form_factor, output in runs:
        if not output.exists():
            url = urljoin(base_url, page.path)
            results.append(Result(page.name, form_factor, url, {}, {}, error="no report was written"))
            continue
        results.append(result_from_report(report=json.loads(output.read_text()), page=page.name))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m redink.ops.lighthouse",
        description="Lighthouse scores of the home, search and essay pages; fails below the minimum.",
    )
    parser.add_argument("--url", default=default_stack().url, help="The site to audit (default: the prod stack).")
    parser.add_argument("--gate-performance", action="store_true", help=f"Fail on performance < {PERFORMANCE_MINIMUM}.")
    parser.add_argument("--report-dir", type=Path, default=REPORT_DIR, help="Where the JSON reports are written.")
    args = parser.parse_args(argv)
    gated = dict.fromkeys(GATED, MINIMUM)
    if args.gate_performance:
        gated["performance"] = PERFORMANCE_MINIMUM
    try:
        pages = pages_to_audit(base_url=args.url)
        results = run_lighthouse(base_url=args.url, pages=pages, report_dir=args.report_dir)
    except LighthouseError as exc:
        print(f"Lighthouse did not run: {exc}", file=sys.stderr)
        return 2
    print(format_table(results))
    for page in pages:
        if page.skip_audits:
            print(f"{page.name}: left out {', '.join(page.skip_audits)}: {page.why}.")
    print(f"Reports in {args.report_dir}/ (open one in https://googlechrome.github.io/lighthouse/viewer/).")
    print(f"Gated: {', '.join(f'{name} >= {minimum}' for name, minimum in gated.items())}.")
    if not args.gate_performance:
        scored = [result for result in results if not result.error]
        slow = failures(results=scored, gated={"performance": PERFORMANCE_MINIMUM})
        for line in slow:
            print(f"  reported, not gated: {line}")
    found = failures(results=results, gated=gated)
    if found:
        print("\nUnder the minimum:", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
