"""The leak crawl through nginx: `python deploy/faults/leak_crawl.py` (or leak_crawl.sh).

On a throwaway PostgreSQL, Redis and stack (fault.py's, with the demo library), crawls the
site through nginx as a visitor and as a free account made for the run: every URL pattern
filled in with each essay's slugs, `/`, the sitemap, searches for a few words and phrases, and
every same-site link found on the answers, each address twice in a row so that the second
answer is nginx's cached copy wherever it keeps one. It fails if any answer, first or second,
carries a run of words of an essay, a review or a margin comment beyond what that viewer may
read (redink.testing.leaks, whose hidden text comes from `essay_text_for`), or a 5xx, or a 429,
or if an essay's page did not show the viewer its opening. Prints pages fetched, X-Cache-Status
counts and leaks per viewer. Run as root (PostgreSQL's initdb runs as the postgres user).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

from fault import throwaway_site  # noqa: E402

from redink.testing.leaks import crawl_site  # noqa: E402

# Long enough that the second answer of each address is the copy nginx kept from the first;
# limits far above what a crawl of some thousands of pages asks.
CRAWL_ENV = {
    "REDINK_SHARED_CACHE_SECONDS": "600",
    "REDINK_SEARCHES_PER_MINUTE": "1000000",
    "REDINK_SUGGESTIONS_PER_MINUTE": "1000000",
    "REDINK_BEACON_PER_MINUTE": "1000000",
    "REDINK_TAKEDOWNS_PER_HOUR": "1000000",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searches", type=int, default=6, help="How many words and phrases to search for (default 6).")
    args = parser.parse_args()
    if args.searches < 1:
        parser.error("--searches must be at least 1")
    began = time.monotonic()
    with throwaway_site(CRAWL_ENV) as (stack, _):
        survey = stack.run_dir / "leak-survey.json"
        stack.manage(
            "shell", "-c", f"from redink.testing.leaks import survey\nsurvey({str(survey)!r}, searches={args.searches})"
        )
        reports = crawl_site(stack.url, survey)
    print("leak crawl through nginx (demo library, throwaway PostgreSQL and Redis)")
    for report in reports:
        print("  " + report.line())
    failures = [failure for report in reports for failure in report.failures()]
    for failure in failures:
        print("  FAIL: " + failure)
    pages = sum(r.pages for r in reports)
    hits = sum(r.cache["HIT"] for r in reports)
    leaks = sum(len(r.leaks) for r in reports)
    print(f"pages fetched: {pages} addresses, {sum(r.fetches for r in reports)} fetches; HITs: {hits}; leaks: {leaks}")
    print(f"in {time.monotonic() - began:.0f} s; verdict: " + ("FAIL" if failures else "PASS"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
