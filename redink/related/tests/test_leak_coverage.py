"""The paywall leak crawl (access/tests/test_leak_crawl.py) must meet related snippets.

Its essays carry a marker word in every sentence. This checks that they get related lists
whose snippets the crawl then reads on every essay page, so that the crawl's "no hidden word
anywhere" covers the related channel too, and that no snippet holds a hidden marker.
"""

from __future__ import annotations

import json
import re

import pytest

from redink.access.tests.test_leak_crawl import MARKER, leak_world  # noqa: F401 - the crawl's own fixture
from redink.catalogue.models import Essay
from redink.related.models import RelatedCards, RelatedEssay

pytestmark = pytest.mark.django_db


def test_the_crawled_essays_show_related_snippets_with_no_hidden_word(leak_world, client):  # noqa: F811
    with_snippets = 0
    for essay in leak_world.essays:
        html = client.get(essay.get_absolute_url()).content.decode()
        block = re.search(r'<section class="related".*?</section>', html, flags=re.S)
        snippets = list(RelatedEssay.objects.filter(essay=essay).values_list("snippet", flat=True))
        if block and any(snippets):
            with_snippets += 1
            shown = set(MARKER.findall(block.group(0)))
            assert shown, "the related snippets carry the crawl's visible markers"
            assert not shown & leak_world.hidden
    assert with_snippets == len(leak_world.essays)
    # The crawl's withdrawn essay was withdrawn without its on-commit refresh running; its
    # withdrawal took it out of every list all the same, and every stored snippet is clean.
    assert not RelatedEssay.objects.exclude(related__status=Essay.Status.PUBLISHED).exists()
    stored = RelatedEssay.objects.values_list("snippet", flat=True)
    assert not any(set(MARKER.findall(snippet)) & leak_world.hidden for snippet in stored)
    # Nor do the cards the pages read: no card names an essay out of the library, none holds a
    # hidden marker.
    cards = list(RelatedCards.objects.values_list("cards", flat=True))
    assert cards
    unpublished = set(Essay.objects.exclude(status=Essay.Status.PUBLISHED).values_list("slug", flat=True))
    assert not any(card[0] in unpublished for text in cards for card in json.loads(text))
    assert not any(set(MARKER.findall(text)) & leak_world.hidden for text in cards)
