"""Which essays make a related list, and how the lists follow publishing, edits and withdrawals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_move, essay_publish, essay_save_text, essay_withdraw, essays_delete
from redink.related.models import RelatedEssay
from redink.related.ranking import RELATED_LIMIT
from redink.testing.factories import committed, make_essay

from .conftest import related_titles, topic_text

pytestmark = pytest.mark.django_db


def test_same_section_first_then_subject_then_level_never_another_level(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    # The closest match of all sits in another section; the section still comes first.
    make_essay(section=taxonomy.tudors, title="Same subject", text=topic_text("cold war", seed=1, share=0.52))
    make_essay(section=taxonomy.cold_war, title="Same section", text=topic_text("cold war", seed=2))
    make_essay(section=taxonomy.cells, title="Same level", text=topic_text("cold war", seed=3))
    make_essay(section=taxonomy.a_level, title="Other level", text=topic_text("cold war", seed=4))
    refreshing()
    make_essay(section=taxonomy.cold_war, title="Unrelated", text=topic_text("tudors", seed=5))

    assert related_titles(reading) == ["Same section", "Same subject", "Same level"]
    tiers = RelatedEssay.objects.filter(essay=reading).order_by("rank").values_list("tier", flat=True)
    assert list(tiers) == [RelatedEssay.Tier.SECTION, RelatedEssay.Tier.SUBJECT, RelatedEssay.Tier.LEVEL]


def test_the_most_similar_essays_come_first_not_the_newest(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Close", text=topic_text({"cold war": 0.8, "tudors": 0.2}, seed=2))
    make_essay(section=taxonomy.cold_war, title="Looser", text=topic_text({"cold war": 0.4, "tudors": 0.6}, seed=3))
    for n in range(3):  # newer, same section, about something else
        make_essay(section=taxonomy.cold_war, title=f"Tudor {n}", text=topic_text("tudors", seed=10 + n))
    refreshing()
    make_essay(section=taxonomy.cold_war, title="Closest", text=topic_text("cold war", seed=1, share=0.52))

    assert related_titles(reading) == ["Closest", "Close", "Looser"]
    scores = list(RelatedEssay.objects.filter(essay=reading).order_by("rank").values_list("score", flat=True))
    assert scores == sorted(scores, reverse=True)


def test_at_most_eight_and_never_itself(taxonomy, refreshing):
    essays = [
        make_essay(section=taxonomy.cold_war, title=f"Cold War {n}", text=topic_text("cold war", seed=n))
        for n in range(RELATED_LIMIT + 3)
    ]
    refreshing()
    extra = make_essay(section=taxonomy.cold_war, title="One more", text=topic_text("cold war", seed=99))
    for essay in [*essays, extra]:
        titles = related_titles(essay)
        assert len(titles) == RELATED_LIMIT
        assert essay.title not in titles


def test_publishing_adds_the_essay_to_the_lists_it_belongs_in(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Tudor", text=topic_text("tudors", seed=2))
    elsewhere = make_essay(section=taxonomy.tudors, title="Elsewhere", text=topic_text("cold war", seed=3))
    pending = make_essay(
        section=taxonomy.cold_war, title="In review", text=topic_text("cold war", seed=4), status=Essay.Status.PENDING
    )
    refreshing()
    assert "In review" not in related_titles(reading)

    committed(essay_publish, essay=pending)

    assert related_titles(reading) == ["In review", "Elsewhere"]
    assert related_titles(pending) == ["Reading", "Elsewhere"]
    assert related_titles(elsewhere) == ["In review", "Reading"] or related_titles(elsewhere) == [
        "Reading",
        "In review",
    ]


def test_a_withdrawn_essay_vanishes_from_every_list(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    gone = make_essay(section=taxonomy.cold_war, title="Taken down", text=topic_text("cold war", seed=2))
    others = [
        make_essay(section=section, title=f"Other {n}", text=topic_text("cold war", seed=3 + n))
        for n, section in enumerate([taxonomy.cold_war, taxonomy.tudors, taxonomy.cells])
    ]
    refreshing()
    assert all("Taken down" in related_titles(e) for e in [reading, *others])

    committed(essay_withdraw, essay=gone)

    assert not RelatedEssay.objects.filter(related=gone).exists()
    assert not RelatedEssay.objects.filter(essay=gone).exists()
    assert related_titles(reading) == ["Other 0", "Other 1", "Other 2"]


def test_a_full_list_that_loses_an_essay_takes_in_the_next_best(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    titles = {f"Cold War {n}" for n in range(RELATED_LIMIT + 1)}
    for n, title in enumerate(sorted(titles)):
        make_essay(section=taxonomy.cold_war, title=title, text=topic_text("cold war", seed=n + 2))
    refreshing()
    shown = related_titles(reading)
    assert len(shown) == RELATED_LIMIT
    (waiting,) = titles - set(shown)

    committed(essay_withdraw, essay=Essay.objects.get(title=shown[0]))

    after = related_titles(reading)
    assert len(after) == RELATED_LIMIT
    assert shown[0] not in after and waiting in after


def test_deleting_an_essay_takes_it_out_of_every_list(taxonomy):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    gone = make_essay(section=taxonomy.cold_war, title="Deleted", text=topic_text("cold war", seed=2))
    make_essay(section=taxonomy.cold_war, title="Kept", text=topic_text("cold war", seed=3))
    assert set(related_titles(reading)) == {"Deleted", "Kept"}

    committed(essays_delete, essay_ids=[gone.pk])

    assert not Essay.objects.filter(pk=gone.pk).exists()
    assert related_titles(reading) == ["Kept"]


def test_editing_refreshes_both_ways(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Cold War", text=topic_text("cold war", seed=2))
    edited = make_essay(section=taxonomy.cold_war, title="Edited", text=topic_text("tudors", seed=3))
    make_essay(section=taxonomy.cold_war, title="Tudors", text=topic_text("tudors", seed=4))
    refreshing()
    assert "Edited" not in related_titles(reading)

    committed(essay_save_text, essay=edited, text=topic_text("cold war", seed=5))
    assert related_titles(reading) == ["Edited", "Cold War"]
    assert related_titles(edited) == ["Cold War", "Reading"] or related_titles(edited) == ["Reading", "Cold War"]
    assert "Edited" not in related_titles(Essay.objects.get(title="Tudors"))

    committed(essay_save_text, essay=edited, text=topic_text("tudors", seed=6))
    assert related_titles(reading) == ["Cold War"]
    assert related_titles(Essay.objects.get(title="Tudors")) == ["Edited"]


def test_an_edit_refreshes_the_snippets_other_lists_show(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    edited = make_essay(section=taxonomy.cold_war, title="Edited", text=topic_text("cold war", seed=2))
    refreshing()
    before = RelatedEssay.objects.get(essay=reading, related=edited)

    committed(essay_save_text, essay=edited, text=topic_text("cold war", seed=3, extra="revised"))

    after = RelatedEssay.objects.get(essay=reading, related=edited)
    assert after.snippet != before.snippet and "revised" in after.snippet


def test_moving_an_essay_moves_it_between_tiers(taxonomy, refreshing):
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    mover = make_essay(section=taxonomy.cold_war, title="Mover", text=topic_text("cold war", seed=2))
    make_essay(section=taxonomy.cold_war, title="Stays", text=topic_text("cold war", seed=3))
    refreshing()

    def move(section):  # type: ignore[no-untyped-def]
        essay = Essay.objects.get(pk=mover.pk)
        essay_move(essay=essay, section=section)
        essay.save()
        committed(essay_save_text, essay=essay, text=essay.body)  # the catalogue's change hook

    move(taxonomy.cells)
    tiers = dict(RelatedEssay.objects.filter(essay=reading).values_list("related__title", "tier"))
    assert tiers == {"Stays": RelatedEssay.Tier.SECTION, "Mover": RelatedEssay.Tier.LEVEL}
    assert related_titles(reading) == ["Stays", "Mover"]

    move(taxonomy.a_level)
    assert related_titles(reading) == ["Stays"]
    assert related_titles(mover) == []


def test_an_essay_about_nothing_the_library_holds_has_no_list(taxonomy):
    make_essay(section=taxonomy.cold_war, title="Cold War", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Cells", text=topic_text("cells", seed=2))
    loner = make_essay(section=taxonomy.cold_war, title="Macbeth", text=topic_text("macbeth", seed=3))
    assert related_titles(loner) == []


def test_refresh_is_safe_to_run_twice(taxonomy):
    from redink.related.services import related_refresh_essay

    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    make_essay(section=taxonomy.cold_war, title="Other", text=topic_text("cold war", seed=2))
    before = list(RelatedEssay.objects.order_by("essay_id", "rank").values_list("essay_id", "related_id", "snippet"))
    related_refresh_essay(essay_id=reading.pk)
    related_refresh_essay(essay_id=reading.pk)
    after = list(RelatedEssay.objects.order_by("essay_id", "rank").values_list("essay_id", "related_id", "snippet"))
    assert after == before


def test_published_at_is_not_what_ranks(taxonomy):
    """Recency plays no part: a ten-year-old close match beats yesterday's loose one."""
    reading = make_essay(section=taxonomy.cold_war, title="Reading", text=topic_text("cold war", seed=1))
    old = make_essay(section=taxonomy.cold_war, title="Old", text=topic_text("cold war", seed=1, share=0.52))
    Essay.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=3650))
    make_essay(section=taxonomy.cold_war, title="New", text=topic_text({"cold war": 0.4, "macbeth": 0.6}, seed=2))
    assert related_titles(reading) == ["Old", "New"]
