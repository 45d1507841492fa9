"""A result card shows the essay as it is now: its card is kept rendered, but under the values it
shows, so a new title, a renamed section, subject or level, a new length or a teacher's mark
appears on the very next search. The snippet is never kept: each reader gets their own."""

from __future__ import annotations

import pytest

from redink.catalogue.models import Essay
from redink.marking.services import ReviewInput, review_save
from redink.testing.factories import UserFactory, committed, make_essay

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay(section):  # type: ignore[no-untyped-def]
    return make_essay(
        section=section,
        title="The Zanzibar crisis of 1964",
        text="Zanzibar's revolution began in January 1964.\n\nThe union with Tanganyika followed in April.",
    )


def results_page(client, q: str = "zanzibar") -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode().split('<ol class="essay-list">', 1)[1].split("</ol>", 1)[0]


def test_a_new_title_shows_on_the_next_search(client, essay):
    assert "The Zanzibar crisis of 1964" in results_page(client)
    essay.title = "Revolution in Zanzibar, 1964"
    essay.save()
    page = results_page(client)
    assert "Revolution in Zanzibar, 1964" in page and "The Zanzibar crisis of 1964" not in page


@pytest.mark.parametrize("renamed", ["section", "subject", "level"])
def test_a_renamed_section_subject_or_level_shows_on_the_next_search(client, essay, renamed):
    thing = {"section": essay.section, "subject": essay.section.subject, "level": essay.section.subject.level}[renamed]
    assert f" {essay.section.name}</span>" in results_page(client)
    thing.name = f"Renamed {renamed} name"
    thing.save()
    assert f"Renamed {renamed} name" in results_page(client)


def test_a_new_length_and_a_teachers_mark_show_on_the_next_search(client, essay, save_text):
    page = results_page(client)
    assert f"<span>{essay.word_count} words</span>" in page and "Marked by a teacher" not in page
    save_text(essay, "Zanzibar " + "word " * 1499)
    review = ReviewInput(stars=4, strengths="Clear.", next_steps="More sources.")
    committed(review_save, essay=essay, teacher=UserFactory(is_verified_teacher=True), data=review, publish=True)
    essay.refresh_from_db()
    assert essay.is_teacher_marked
    page = results_page(client)
    assert "<span>1,500 words</span>" in page and '<span class="badge">Marked by a teacher</span>' in page


def test_a_withdrawn_essay_leaves_the_results_at_once_even_with_its_card_kept(client, essay):
    assert essay.title in results_page(client)
    Essay.objects.filter(pk=essay.pk).update(status=Essay.Status.WITHDRAWN)  # before the index hears of it
    assert essay.title not in results_page(client)


def test_a_visitor_after_a_member_gets_no_part_of_the_members_snippet(client, section, member):
    long_tail = " ".join(f"Filler sentence number {n} keeps the preview short." for n in range(60))
    make_essay(
        section=section,
        title="Trade on the Swahili coast",
        text=f"Dhows carried goods along the coast.\n\n{long_tail}\n\nThe sultan's clove plantations used quokkaworm labour.",
    )
    client.force_login(member)
    assert "<mark>quokkaworm</mark>" in results_page(client, "quokkaworm")
    client.logout()
    page = results_page(client, "quokkaworm")
    assert "Trade on the Swahili coast" in page and "Matched in the full essay." in page
    assert "plantations" not in page and "<mark>" not in page
