"""Fair ratings in the catalogue: "Best rated" ranks by the lower bound of the teachers' stars in
listings and the home page's "Best marked", and "Marked by a teacher" is a listing filter.
Run unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from redink.accounts.models import User
from redink.catalogue.models import Essay
from redink.marking.models import Review
from redink.marking.services import ReviewInput, essay_rating_refresh, review_save
from redink.testing.factories import UserFactory, committed, make_essay

pytestmark = pytest.mark.django_db


@dataclass
class Rated:
    """Four essays of one section. The one with a single 5-star review is made last (the highest
    id, which breaks ties in search), so nothing but its rating puts it below the others."""

    forty: Essay  # forty reviews averaging 4.8
    ten: Essay  # ten reviews averaging 4.5
    one: Essay  # one review, 5 stars
    none: Essay  # no review

    def titles(self, *essays: Essay) -> list[str]:
        return [e.title for e in essays]


def _teachers(count: int, prefix: str) -> list[User]:
    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n}@teachers.example.org", display_name=f"Teacher {prefix}{n}", is_verified_teacher=True
            )
            for n in range(count)
        ]
    )
    return list(User.objects.filter(email__startswith=prefix))


def give_reviews(essay: Essay, stars: list[int], *, prefix: str) -> None:
    """Published reviews with these stars, written as rows; the essay's rating then derived by
    the service that derives it."""
    now = timezone.now()
    Review.objects.bulk_create(
        [
            Review(
                essay=essay,
                teacher=teacher,
                stars=n,
                strengths="Clear argument.",
                next_steps="More evidence.",
                status=Review.Status.PUBLISHED,
                published_at=now,
            )
            for teacher, n in zip(_teachers(len(stars), prefix), stars, strict=True)
        ]
    )
    committed(essay_rating_refresh, essay_id=essay.pk)


def make_rated(section, *, text: str | None = None) -> Rated:  # type: ignore[no-untyped-def]
    made = {}
    for key, title in (
        ("none", "Harbour trade with no review yet"),
        ("forty", "Harbour trade with forty reviews"),
        ("ten", "Harbour trade with ten reviews"),
        ("one", "Harbour trade with one review"),
    ):
        made[key] = make_essay(section=section, title=title, text=text)
    rated = Rated(**made)
    give_reviews(rated.forty, [5] * 32 + [4] * 8, prefix="forty")
    give_reviews(rated.ten, [5] * 5 + [4] * 5, prefix="ten")
    teacher = UserFactory(is_verified_teacher=True)
    committed(
        review_save,
        essay=rated.one,
        teacher=teacher,
        data=ReviewInput(stars=5, strengths="Vivid.", next_steps="Use more sources."),
        publish=True,
    )
    for essay in (rated.forty, rated.ten, rated.one, rated.none):
        essay.refresh_from_db()
    return rated


@pytest.fixture
def rated(section) -> Rated:  # type: ignore[no-untyped-def]
    return make_rated(section)


def card_titles(body: str, heading_id: str | None = None) -> list[str]:
    if heading_id:
        found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', body, flags=re.S)
        assert found, heading_id
        body = found.group(1)
    return re.findall(r'<li class="essay-card">\s*<h3><a href="/essays/[^"]+/"><bdi>([^<]+)</bdi></a>', body)


def test_the_derived_ratings_are_the_ones_the_issue_names(rated):
    assert (rated.forty.review_count, rated.forty.rating_average) == (40, 4.8)
    assert (rated.ten.review_count, rated.ten.rating_average) == (10, 4.5)
    assert (rated.one.review_count, rated.one.rating_average) == (1, 5.0)
    assert rated.forty.rating_score > rated.ten.rating_score > rated.one.rating_score > rated.none.rating_score == 0
    assert all(e.is_teacher_marked for e in (rated.forty, rated.ten, rated.one)) and not rated.none.is_teacher_marked


class TestListings:
    def test_best_rated_ranks_by_the_lower_bound(self, client, rated, section):
        body = client.get(section.get_absolute_url() + "?sort=best-rated").content.decode()
        assert card_titles(body) == rated.titles(rated.forty, rated.ten, rated.one, rated.none)
        assert '<span aria-current="true">Best rated</span>' in body

    def test_every_listing_level_sorts_the_same_way(self, client, rated, section):
        for url in (section.subject.level.get_absolute_url(), section.subject.get_absolute_url()):
            body = client.get(url + "?sort=best-rated").content.decode()
            assert card_titles(body) == rated.titles(rated.forty, rated.ten, rated.one, rated.none), url

    def test_cards_show_the_average_and_count_only(self, client, rated, section):
        body = client.get(section.get_absolute_url()).content.decode()
        assert '4.8<span class="visually-hidden"> out of 5 stars,</span> (40 reviews)' in body
        assert '5.0<span class="visually-hidden"> out of 5 stars,</span> (1 review)' in body
        assert "Clear argument." not in body and "Vivid." not in body  # no review's words on a card

    def test_teacher_marked_is_no_longer_a_sort(self, client, rated, section):
        body = client.get(section.get_absolute_url()).content.decode()
        assert "Teacher-marked first" not in body


class TestMarkedFilter:
    def test_the_filter_shows_only_marked_essays_in_the_chosen_order(self, client, rated, section):
        body = client.get(section.get_absolute_url() + "?sort=best-rated&marked=1").content.decode()
        assert card_titles(body) == rated.titles(rated.forty, rated.ten, rated.one)
        assert "3 pieces of student written work marked by a teacher" in body
        # Sorting keeps the filter, and the way back keeps the sort.
        assert 'href="?sort=newest&amp;marked=1"' in body
        assert 'href="?sort=best-rated">Show every essay</a>' in body

    def test_the_filter_link_keeps_the_sort_and_starts_at_page_one(self, client, rated, section, settings):
        settings.REDINK_PAGE_SIZE = 2
        body = client.get(section.get_absolute_url() + "?sort=best-rated&page=2").content.decode()
        assert 'href="?sort=best-rated&amp;marked=1">Marked by a teacher only</a>' in body
        assert card_titles(body) == rated.titles(rated.one, rated.none)

    def test_pages_of_the_filter_keep_it(self, client, rated, section, settings):
        settings.REDINK_PAGE_SIZE = 2
        body = client.get(section.get_absolute_url() + "?marked=1&sort=best-rated").content.decode()
        assert card_titles(body) == rated.titles(rated.forty, rated.ten)
        assert 'href="?marked=1&amp;sort=best-rated&amp;page=2"' in body
        second = client.get(section.get_absolute_url() + "?marked=1&sort=best-rated&page=2").content.decode()
        assert card_titles(second) == rated.titles(rated.one)

    def test_old_teacher_marked_links_open_the_filter(self, client, rated, section):
        response = client.get(section.get_absolute_url() + "?sort=teacher-marked&page=1")
        assert response.status_code == 301
        assert response["Location"] == section.get_absolute_url() + "?page=1&marked=1"
        body = client.get(response["Location"]).content.decode()
        assert set(card_titles(body)) == set(rated.titles(rated.forty, rated.ten, rated.one))
        assert '<span aria-current="true">Newest</span>' in body  # newest first, as the old sort was

    def test_a_listing_with_no_marked_essay_says_so(self, client, section):
        make_essay(section=section)
        body = client.get(section.get_absolute_url() + "?marked=1").content.decode()
        assert card_titles(body) == []
        assert "No essay here has been marked by a teacher yet." in body


def lede(body: str) -> str:
    found = re.search(r'<p class="lede">(.*?)</p>', body, flags=re.S)
    assert found
    return found.group(1).replace("&#x27;", "'")


class TestHomeBestMarked:
    def test_best_marked_lists_reviewed_essays_best_rated_first(self, client, rated):
        body = client.get("/").content.decode()
        assert card_titles(body, "best-heading") == rated.titles(rated.forty, rated.ten, rated.one)

    def test_no_best_marked_list_before_any_review(self, client, section):
        make_essay(section=section)
        body = client.get("/").content.decode()
        assert 'id="best-heading"' not in body
        assert "teachers" not in lede(body), "the lede promises reviews only once there are some"

    def test_the_lede_promises_reviews_once_there_are_some(self, client, rated):
        assert "join to read teachers' reviews" in lede(client.get("/").content.decode())

    def test_a_hidden_review_leaves_the_list(self, client, rated, staff):
        from redink.marking.services import review_hide

        review = Review.objects.get(essay=rated.one)
        committed(review_hide, review=review, moderator=staff, reason="Not about this essay.")
        body = client.get("/").content.decode()
        assert card_titles(body, "best-heading") == rated.titles(rated.forty, rated.ten)


class TestTheSiteOffersReviews:
    def test_the_pricing_page_offers_teachers_reviews(self, client):
        body = client.get("/join/").content.decode().replace("&#x27;", "'")
        assert "Read verified teachers' reviews of the essays they mark" in body
        assert "what would lift it to the next grade" in body

    def test_the_site_description_mentions_teachers_reviews(self, client):
        body = client.get("/").content.decode().replace("&#x27;", "'")
        assert "join to read in full, with verified teachers' reviews." in body
