"""The related block as a visitor sees it on the essay page."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.catalogue.services import essay_changed, essay_withdraw
from redink.related.models import RelatedCards, RelatedEssay
from redink.related.ranking import RELATED_LIMIT
from redink.testing.factories import UserFactory, committed, make_essay

from .conftest import related_titles, topic_text

pytestmark = pytest.mark.django_db

HIDDEN_ONLY = "zebrafinch"


def related_block(html: str) -> str:
    match = re.search(r'<section class="related".*?</section>', html, flags=re.S)
    return match.group(0) if match else ""


def test_heading_names_the_level_and_section_and_comes_after_not_the_one(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    other = make_essay(
        section=taxonomy.cold_war, title="Why did the Cuban crisis end?", text=topic_text("cold war", seed=2)
    )

    body = client.get(reading.get_absolute_url()).content.decode()

    assert '<h2 id="related-heading">Related GCSE International relations 1945-1991 essays</h2>' in body
    assert body.index("Not the one?") < body.index("Related GCSE International relations 1945-1991 essays")
    block = related_block(body)
    assert f'href="{other.get_absolute_url()}"' in block and other.title in block
    assert "1945-1991" in block and f"{other.word_count:,} words" in block


@pytest.mark.parametrize(
    ("others", "heading"),
    [
        (["cold_war", "cold_war"], "Related GCSE International relations 1945-1991 essays"),
        (["cold_war", "tudors"], "More GCSE History essays"),
        (["tudors", "tudors"], "More GCSE History essays"),
        (["cold_war", "cells"], "More GCSE essays"),
        (["cells", "cells"], "More GCSE essays"),
    ],
)
def test_heading_names_what_the_list_holds(client, taxonomy, refreshing, others, heading):
    """The section's name only when every related essay is from that section; else the
    subject's, else the level's."""
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    *before, last = others
    for n, name in enumerate(before):
        make_essay(section=getattr(taxonomy, name), title=f"From {name} {n}", text=topic_text("cold war", seed=n + 2))
    refreshing()
    make_essay(section=getattr(taxonomy, last), title=f"From {last}", text=topic_text("cold war", seed=9))

    body = client.get(reading.get_absolute_url()).content.decode()

    assert related_block(body).count('class="related-card"') == len(others)
    assert re.search(r'<h2 id="related-heading">([^<]*)</h2>', body).group(1) == heading  # type: ignore[union-attr]


def test_cards_stored_without_their_tier_claim_only_the_level(client, taxonomy):
    """Cards written before they carried a tier (until migration related.0005 rewrites them)."""
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Other", text=topic_text("cold war", seed=2))
    stored = RelatedCards.objects.get(essay=reading)
    stored.cards = json.dumps([card[:7] for card in json.loads(stored.cards)])
    stored.save()

    body = client.get(reading.get_absolute_url()).content.decode()

    assert '<h2 id="related-heading">More GCSE essays</h2>' in body and "Other" in related_block(body)


def test_no_block_when_nothing_is_related(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Macbeth", text=topic_text("macbeth", seed=2))

    body = client.get(reading.get_absolute_url()).content.decode()

    assert "Not the one?" in body
    assert "Related GCSE" not in body and 'class="related"' not in body


def test_long_titles_are_cut_at_a_word_boundary(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    long_title = "To what extent was Khrushchev's decision to place missiles on Cuba a turning point in the Cold War?"
    make_essay(section=taxonomy.cold_war, title=long_title, text=topic_text("cold war", seed=2))

    block = related_block(client.get(reading.get_absolute_url()).content.decode())

    shown = re.search(r'title="[^"]*">([^<]*)</a>', block).group(1)  # type: ignore[union-attr]
    assert shown == "To what extent was Khrushchev&#x27;s decision to place..."
    assert "Cold War?</a>" not in block


def test_snippets_come_from_the_free_preview_only(client, taxonomy, member):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    # The free opening barely touches the topic; the hidden rest is all about it, and carries
    # a word that appears nowhere else. A snippet cut from the whole text would pick from there.
    opening = topic_text({"cold war": 0.2, "macbeth": 0.8}, seed=2, paragraphs=4, share=0.3)
    hidden = topic_text("cold war", seed=1, paragraphs=8, share=0.7, extra=HIDDEN_ONLY)
    lead = make_essay(section=taxonomy.cold_war, title="Lead preview", text=f"{opening}\n\n{hidden}")
    assert HIDDEN_ONLY not in essay_text_for(essay=lead, viewer=None).text
    # With extracts, the free text is three passages from the beginning, middle and end.
    extracts = make_essay(
        section=taxonomy.cold_war,
        title="Extracts preview",
        text=topic_text({"cold war": 0.5, "macbeth": 0.5}, seed=3, paragraphs=12),
        preview_style="extracts",
    )

    for essay in (lead, extracts):
        free_blocks = essay_text_for(essay=essay, viewer=None).blocks
        snippets = RelatedEssay.objects.filter(related=essay).values_list("snippet", flat=True)
        assert snippets
        for snippet in snippets:
            assert snippet and any(snippet.removesuffix("...") in block for block in free_blocks), snippet
    assert not RelatedEssay.objects.filter(snippet__contains=HIDDEN_ONLY).exists()

    assert HIDDEN_ONLY not in client.get(reading.get_absolute_url()).content.decode()
    client.force_login(member)  # members read everything in full, but snippets stay previews
    assert HIDDEN_ONLY not in related_block(client.get(reading.get_absolute_url()).content.decode())


def test_the_snippet_is_the_passage_closest_to_the_essay_being_read(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    marker = "The Cuban missiles crisis tested Khrushchev and Kennedy at the blockade line."
    filler = " ".join(topic_text({"macbeth": 1.0}, seed=n, paragraphs=1, share=0.3) for n in range(3))
    text = f"{filler}\n\n{marker} {filler}\n\n" + topic_text("cold war", seed=3, paragraphs=6)
    make_essay(section=taxonomy.cold_war, title="Mostly Macbeth", text=text)

    block = related_block(client.get(reading.get_absolute_url()).content.decode())

    assert f'<p class="related-snippet">{marker}' in block


def test_a_withdrawn_essay_never_shows_even_before_its_refresh_runs(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    gone = make_essay(section=taxonomy.cold_war, title="Taken down", text=topic_text("cold war", seed=2))
    assert related_titles(reading) == ["Taken down"]

    essay_withdraw(essay=gone)  # committed nowhere: its on-commit refresh has not run yet

    assert related_titles(reading) == []
    assert "Taken down" not in client.get(reading.get_absolute_url()).content.decode()


def test_an_essay_sent_back_to_review_leaves_the_lists_at_once(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    kept = make_essay(section=taxonomy.cold_war, title="Still here", text=topic_text("cold war", seed=2))
    queried = make_essay(section=taxonomy.cold_war, title="Under review", text=topic_text("cold war", seed=3))
    assert set(related_titles(reading)) == {"Still here", "Under review"}

    Essay.objects.filter(pk=queried.pk).update(status=Essay.Status.PENDING)
    essay_changed(essay_id=queried.pk)  # as the admin does on every save; no refresh has run

    assert related_titles(reading) == ["Still here"]
    block = related_block(client.get(reading.get_absolute_url()).content.decode())
    assert "Still here" in block and "Under review" not in block
    assert related_titles(kept) == ["Reading"]


@pytest.mark.parametrize("how", ["delete page", "delete selected"])
def test_an_essay_deleted_in_the_admin_leaves_the_cards_at_once(client, taxonomy, how):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    gone = make_essay(section=taxonomy.cold_war, title="Deleted for good", text=topic_text("cold war", seed=2))
    make_essay(section=taxonomy.cold_war, title="Still here", text=topic_text("cold war", seed=3))
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    if how == "delete page":
        response = client.post(reverse("admin:catalogue_essay_delete", args=[gone.pk]), {"post": "yes"})
    else:
        changelist = reverse("admin:catalogue_essay_changelist")
        response = client.post(changelist, {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"})

    assert response.status_code == 302
    assert not Essay.objects.filter(pk=gone.pk).exists()
    client.logout()
    block = related_block(client.get(reading.get_absolute_url()).content.decode())
    assert "Still here" in block and "Deleted for good" not in block


def test_cards_follow_changes_to_the_related_essay(client, taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    other = make_essay(section=taxonomy.cold_war, title="Old title", text=topic_text("cold war", seed=2))

    Essay.objects.filter(pk=other.pk).update(title="A better title", is_teacher_marked=True)
    committed(essay_changed, essay_id=other.pk)  # as every edit does (the admin, the services)

    block = related_block(client.get(reading.get_absolute_url()).content.decode())
    assert "A better title" in block and "Old title" not in block
    assert "Marked by a teacher" in block


def test_a_section_renamed_in_the_admin_shows_its_new_name_on_the_cards(client, taxonomy):
    reading = make_essay(section=taxonomy.cells, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Other", text=topic_text("cold war", seed=2))
    section = taxonomy.cold_war
    old_name = section.name
    assert f"<span>{old_name}</span>" in related_block(client.get(reading.get_absolute_url()).content.decode())

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("admin:catalogue_section_change", args=[section.pk]),
            {"subject": section.subject_id, "name": "The Cold War, 1945-91", "slug": section.slug},
        )
    assert response.status_code == 302
    client.logout()

    block = related_block(client.get(reading.get_absolute_url()).content.decode())
    assert "<span>The Cold War, 1945-91</span>" in block and old_name not in block


class TestQueries:
    def _page_queries(self, client, essay):  # type: ignore[no-untyped-def]
        client.get(essay.get_absolute_url())  # the library's figures are counted once, then kept for minutes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(essay.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode(), [q["sql"] for q in queries.captured_queries]

    def test_the_page_costs_the_same_queries_with_none_or_eight_related_essays(self, client, taxonomy):
        alone = make_essay(section=taxonomy.cold_war, title="Alone", text=topic_text("macbeth", seed=0))
        crowded = make_essay(section=taxonomy.cold_war, title="Crowded", text=topic_text("cold war", seed=0))
        for n in range(RELATED_LIMIT + 2):
            make_essay(section=taxonomy.cold_war, title=f"Cold War {n}", text=topic_text("cold war", seed=n + 1))

        empty_body, empty = self._page_queries(client, alone)
        full_body, full = self._page_queries(client, crowded)

        assert 'class="related"' not in empty_body
        assert related_block(full_body).count('class="related-card"') == RELATED_LIMIT
        # Eight cards, with their titles and sections, cost the page no more queries than none.
        assert len(full) == len(empty), full
