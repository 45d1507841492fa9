"""Reading and gating Lighthouse reports (redink.ops.lighthouse).

The reports in lighthouse/ were recorded on the production stack with the pinned Lighthouse,
trimmed to the scores and audits the runner reads: the search page before it had a meta
description and before its deliberate noindex was left out of its score, an essay page, and a
site that did not answer. The real check, Lighthouse on the running stack, is `make lighthouse`
in CI."""

import copy
import json
from pathlib import Path

import pytest

from redink.ops import lighthouse
from redink.ops.stack import free_port

REPORTS = Path(__file__).parent / "lighthouse"
GATED = dict.fromkeys(lighthouse.GATED, lighthouse.MINIMUM)


def report(name: str) -> dict:
    return json.loads((REPORTS / f"{name}.json").read_text())


def test_a_page_under_the_minimum_fails_naming_the_audits_that_cost_most_first():
    result = lighthouse.result_from_report(report=report("search-mobile-unfixed"), page="search")

    assert result.form_factor == "mobile"
    assert result.scores == {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 54}
    [line] = lighthouse.failures(results=[result], gated=GATED)
    assert line.startswith("search (mobile): seo 54 < 95: ")
    # noindex weighs four times what the missing description does.
    assert line.index("Page is blocked from indexing [is-crawlable]") < line.index(
        "Document does not have a meta description [meta-description]"
    )


def test_a_page_scoring_full_marks_passes():
    result = lighthouse.result_from_report(report=report("essay-desktop"), page="essay")

    assert result.form_factor == "desktop"
    assert set(result.scores.values()) == {100}
    assert lighthouse.failures(results=[result], gated=GATED) == []


def test_a_page_lighthouse_could_not_load_fails_with_its_reason_and_no_scores():
    result = lighthouse.result_from_report(report=report("unreachable-mobile"), page="home")

    assert set(result.scores.values()) == {None}
    [line] = lighthouse.failures(results=[result], gated=GATED)
    assert "Lighthouse could not audit http://127.0.0.1:8999/" in line
    assert "interstitial" in line
    assert lighthouse.format_table([result]).splitlines()[-1].split() == ["home", "mobile", "—", "—", "—", "—"]


def test_performance_fails_only_when_it_is_gated():
    slow = copy.deepcopy(report("essay-desktop"))
    slow["categories"]["performance"]["score"] = 0.82
    slow["audits"]["largest-contentful-paint"].update(score=0.3, displayValue="4.1 s")
    result = lighthouse.result_from_report(report=slow, page="essay")

    assert lighthouse.failures(results=[result], gated=GATED) == []
    [line] = lighthouse.failures(results=[result], gated={**GATED, "performance": 90})
    assert line == "essay (desktop): performance 82 < 90: Largest Contentful Paint (4.1 s) [largest-contentful-paint]"


def test_the_table_has_one_row_per_page_and_device_with_the_four_scores():
    results = [
        lighthouse.result_from_report(report=report("search-mobile-unfixed"), page="search"),
        lighthouse.result_from_report(report=report("essay-desktop"), page="essay"),
    ]

    lines = lighthouse.format_table(results).splitlines()

    assert lines[0].split() == ["page", "device", "performance", "accessibility", "best-practices", "seo"]
    assert lines[2].split() == ["search", "mobile", "100", "100", "100", "54"]
    assert lines[3].split() == ["essay", "desktop", "100", "100", "100", "100"]


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://127.0.0.1/levels/a-level/</loc></url>
<url><loc>http://127.0.0.1/essays/discuss-explanations-of-obedience/</loc></url>
</urlset>"""


def test_the_essay_page_is_the_first_essay_in_the_sitemap_searched_for_by_a_word_of_its_slug():
    path = lighthouse.first_essay_path(sitemap=SITEMAP)

    assert path == "/essays/discuss-explanations-of-obedience/"
    assert lighthouse.search_word(path) == "explanations"


def test_a_sitemap_without_essays_says_to_load_some():
    empty = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://x/</loc></url></urlset>'

    with pytest.raises(lighthouse.LighthouseError, match="lists no essay"):
        lighthouse.first_essay_path(sitemap=empty)


def test_with_nothing_answering_the_check_says_to_start_the_stack(capsys, tmp_path):
    code = lighthouse.main(["--url", f"http://127.0.0.1:{free_port()}", "--report-dir", str(tmp_path)])

    assert code == 2
    assert "make prod-up" in capsys.readouterr().err
