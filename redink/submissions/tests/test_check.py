""" "Check my essay": the originality report names overlapping published essays and shows only the
draft's own words, never the matched essays' text; it is for logged-in users and rate-limited."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.urls import reverse

from redink.access.visibility import essay_text_for
from redink.submissions.originality.index import signature_store
from redink.submissions.originality.report import draft_report
from redink.submissions.originality.shingles import shingle
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(section, originals):  # type: ignore[no-untyped-def]
    essays = []
    for n, draft in enumerate(originals[:3]):
        essay = make_essay(title=f"Library essay {n}", text=draft.body, section=section)
        signature_store(shingled=shingle(essay.body), essay=essay)
        essays.append(essay)
    return essays


def test_visitors_must_log_in(client):
    response = client.get(reverse("submissions:check"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_report_names_each_overlapping_essay_and_passage(library, originals):
    own = originals[5].paragraphs
    borrowed_one = library[0].paragraphs[-1]  # the hidden end of one essay
    borrowed_two = library[2].paragraphs[1]
    draft = "\n\n".join([own[0], borrowed_one, own[1], borrowed_two, own[2]])
    report = draft_report(text=draft)
    longer_first = sorted(
        [(borrowed_one, "Library essay 0"), (borrowed_two, "Library essay 2")], key=lambda b: -len(b[0].split())
    )
    assert [essay.title for essay in report.essays] == [title for _, title in longer_first]
    # Passages run from the first shared word to the last (the closing full stop is not a word).
    assert [p.text for p in report.passages] == [borrowed_one.rstrip(".?!"), borrowed_two.rstrip(".?!")]
    assert [p.essays[0].title for p in report.passages] == ["Library essay 0", "Library essay 2"]
    words = len(draft.split())
    expected = round(100 * (len(borrowed_one.split()) + len(borrowed_two.split())) / words)
    assert abs(report.percent - expected) <= 1


def test_an_original_draft_overlaps_nothing(library, originals):
    report = draft_report(text=originals[6].body)
    assert report.percent == 0 and not report.passages and not report.essays


def test_the_page_shows_the_draft_and_titles_but_no_hidden_text(client, student, library, originals):
    essay = library[1]
    hidden = [p for p in essay.paragraphs if p not in essay_text_for(essay=essay, viewer=student).text]
    borrowed = hidden[-1]
    draft = originals[7].paragraphs[0] + "\n\n" + borrowed + "\n\n" + originals[7].paragraphs[1]
    client.force_login(student)
    page = client.post(reverse("submissions:check"), {"text": draft}).content.decode()
    assert "Originality report" in page
    assert essay.title in page and essay.get_absolute_url() in page
    assert borrowed in page  # the student's own words, as pasted
    for paragraph in hidden[:-1]:  # the rest of the hidden text never appears
        assert paragraph[:80] not in page
    assert "%</strong> of your draft" in page


def test_rate_limited(client, settings, student, library, originals):
    settings.REDINK_CHECKS_PER_HOUR = 2
    client.force_login(student)
    for _ in range(2):
        assert client.post(reverse("submissions:check"), {"text": originals[3].body}).status_code == 200
    response = client.post(reverse("submissions:check"), {"text": originals[3].body})
    assert response.status_code == 429
    assert "You have run 2 checks in the last hour" in response.content.decode()


def test_a_draft_must_have_some_words(client, student):
    client.force_login(student)
    response = client.post(reverse("submissions:check"), {"text": "Too short."})
    assert "Paste at least 30 words of your draft (this has 2)." in response.content.decode()


def test_the_check_builds_nothing_in_the_web_process(
    client, student, library, originals, django_assert_max_num_queries
):
    """One query for the LSH candidates, one for their texts: no index is loaded into the process."""
    client.force_login(student)
    client.get("/")  # the session and user are loaded once
    # The rate limit counts in the database cache when there is no Redis: a window's first count
    # is eight statements (the increment finds nothing, then the count is added, serialised).
    counting = 8 if isinstance(caches["default"], DatabaseCache) else 0
    with django_assert_max_num_queries(8 + counting):
        client.post(reverse("submissions:check"), {"text": originals[0].body})
