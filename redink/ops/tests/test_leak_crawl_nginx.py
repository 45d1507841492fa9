"""The paywall leak crawl through nginx and its page cache (redink.testing.leaks).

The session's stack (redink/testing/stack.py) is crawled as a visitor and as a free account,
every address twice in a row so that the second answer is nginx's cached copy: no answer may
carry words of an essay beyond its preview, nor any teacher's words, nor be a 5xx. The same
crawl by hand on the demo library: deploy/faults/leak_crawl.sh.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from redink.testing.leaks import Hidden, crawl_as, crawl_site
from redink.testing.stack import Site


def _survey(site: Site) -> Path:
    path = site.stack.run_dir / "leak-survey.json"
    if not path.exists():
        # Few searches: the stack keeps the default search limit, shared by the whole session.
        # Links only, not every URL pattern filled in: the crawl inside Django covers those.
        code = f"from redink.testing.leaks import survey\nsurvey({str(path)!r}, searches=3, every_pattern=False)"
        site.stack.manage("shell", "-c", code)
    return path


def _wipe_cache(site: Site) -> None:
    """What the crawl left in nginx's cache would be HITs in the other tests through nginx."""
    for entry in site.stack.cache_dir.iterdir():
        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def test_no_hidden_text_reaches_a_visitor_or_free_account_through_nginx(nginx_stack: Site) -> None:
    try:
        reports = crawl_site(nginx_stack.stack.url, _survey(nginx_stack))
    finally:
        _wipe_cache(nginx_stack)
    for report in reports:
        print(report.line())
    assert [r.name for r in reports] == ["visitor", "free account"]
    assert [f for r in reports for f in r.failures()] == []
    visitor, free = reports
    # The crawl met every essay, and the visitor's second answers came from nginx's cache.
    assert visitor.pages > 50 and free.pages > 50
    assert visitor.cache["HIT"] > visitor.pages / 3
    assert free.cache["HIT"] == 0  # a signed-in account never gets the shared copy


def test_the_crawl_through_nginx_would_catch_a_leak(nginx_stack: Site) -> None:
    """A member legitimately reads the whole essay: checked against what a visitor may read,
    the same crawl must report it."""
    survey = json.loads(_survey(nginx_stack).read_text())
    visitor = survey["viewers"]["visitor"]
    member = {**visitor, "cookies": {nginx_stack.data["session_cookie"]: nginx_stack.data["member"]}}
    essays = [essay["url"] for essay in visitor["essays"]]
    try:
        report = crawl_as(nginx_stack.stack.url, "member", member, essays[:2], follow=False)
    finally:
        _wipe_cache(nginx_stack)
    assert set(essays[:2]) <= set(report.leaks)
    assert any("hidden text reached the member" in failure for failure in report.failures())
    # A hidden paragraph too short for a run of words is looked for whole, and found.
    hidden = Hidden.of(visitor["hidden"], visitor["readable"])
    closing = "members only closing judgement of essay 1"
    assert closing in hidden.phrases
    page = nginx_stack.visitor(member["cookies"]).get(nginx_stack.data["essays"][0]["url"])
    assert closing in hidden.found_in(page.body)
    assert closing not in hidden.found_in(nginx_stack.visitor().get(nginx_stack.data["essays"][0]["url"]).body)
