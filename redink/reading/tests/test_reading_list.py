"""The reading list as a reader meets it: Save on essay pages and cards, the list itself, notes,
removal, a visitor's round trip through the login page, and nobody reaching another's list."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redink.catalogue.models import Essay
from redink.reading import services
from redink.reading.models import SavedEssay
from redink.testing import factories

pytestmark = pytest.mark.django_db


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def save_form_action(html: str) -> str:
    match = re.search(r'<form class="save-form" method="post" action="([^"]+)"', html)
    assert match, "no Save form on the page"
    return match.group(1)


class TestSaveOnTheEssayPage:
    def test_a_student_saves_an_essay_with_the_form_and_sees_it_saved(self, client, student, essay):
        client.force_login(student)
        page = page_text(client.get(essay.get_absolute_url()))
        action = save_form_action(page)
        assert action == f"/reading-list/save/{essay.slug}/"
        response = client.post(action, {"next": essay.get_absolute_url()}, follow=True)
        assert response.redirect_chain[-1][0] == essay.get_absolute_url()
        page = page_text(response)
        assert "is on your reading list." in page
        assert 'Remove<span class="visually-hidden"> “' in page
        assert SavedEssay.objects.filter(user=student, essay=essay).count() == 1

    def test_saving_twice_keeps_one_entry(self, client, student, essay):
        client.force_login(student)
        client.post(f"/reading-list/save/{essay.slug}/")
        client.post(f"/reading-list/save/{essay.slug}/")
        assert SavedEssay.objects.filter(user=student).count() == 1

    def test_the_script_gets_json(self, client, student, essay):
        client.force_login(student)
        data = client.post(f"/reading-list/save/{essay.slug}/", HTTP_ACCEPT="application/json").json()
        item = SavedEssay.objects.get(user=student)
        assert data["saved"] is True and data["action"] == f"/reading-list/{item.pk}/remove/"
        data = client.post(data["action"], HTTP_ACCEPT="application/json").json()
        assert data["saved"] is False and data["action"] == f"/reading-list/save/{essay.slug}/"
        assert not SavedEssay.objects.exists()

    def test_a_get_of_the_save_address_changes_nothing(self, client, student, essay):
        client.force_login(student)
        response = client.get(f"/reading-list/save/{essay.slug}/")
        assert response.status_code == 200
        assert "data-autosubmit" in page_text(response)
        assert "Save to my reading list</button>" in page_text(response)
        assert not SavedEssay.objects.exists()

    def test_unpublished_essays_cannot_be_saved(self, client, student, section):
        withdrawn = factories.make_essay(section=section, status=Essay.Status.WITHDRAWN)
        client.force_login(student)
        assert client.post(f"/reading-list/save/{withdrawn.slug}/").status_code == 404
        assert client.post("/reading-list/save/no-such-essay/").status_code == 404

    def test_next_cannot_send_the_reader_to_another_site(self, client, student, essay):
        client.force_login(student)
        response = client.post(f"/reading-list/save/{essay.slug}/", {"next": "https://evil.example/"})
        assert response["Location"] == essay.get_absolute_url()


class TestVisitors:
    def test_the_anonymous_essay_page_has_a_save_link_and_stays_cacheable(self, client, essay):
        response = client.get(essay.get_absolute_url())
        page = page_text(response)
        assert f'<a href="/accounts/login/?next=/reading-list/save/{essay.slug}/">Save' in page
        assert "save-form" not in page and "csrfmiddlewaretoken" not in page
        assert "public" in response["Cache-Control"]
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies

    def test_anonymous_listings_have_save_links_and_stay_cacheable(self, client, essay):
        for path in ["/", essay.section.get_absolute_url()]:
            response = client.get(path)
            assert f"/accounts/login/?next=/reading-list/save/{essay.slug}/" in page_text(response)
            assert "csrfmiddlewaretoken" not in page_text(response)
            assert "public" in response["Cache-Control"] and not response.cookies
            assert "cookie" not in response.get("Vary", "").lower()

    def test_the_save_link_goes_through_a_real_login_and_saves_the_essay(self, client, student, password, essay):
        link = re.search(r'<p class="save-link"><a href="([^"]+)"', page_text(client.get(essay.get_absolute_url())))
        assert link
        login_page = client.get(link.group(1))
        assert login_page.status_code == 200
        next_url = unquote(link.group(1).split("next=", 1)[1])
        assert f'value="{next_url}"' in page_text(login_page), "the login form carries where to go next"
        response = client.post(
            "/accounts/login/", {"login": student.email, "password": password, "next": next_url}, follow=True
        )
        assert response.redirect_chain[-1][0] == f"/reading-list/save/{essay.slug}/"
        assert not SavedEssay.objects.exists(), "landing on the page changes nothing"
        confirm = page_text(response)
        action = re.search(r'<form method="post" action="([^"]+)" data-autosubmit>', confirm).group(1)
        back = re.search(r'name="next" value="([^"]+)"', confirm).group(1)
        done = client.post(action, {"next": back}, follow=True)
        assert done.redirect_chain[-1][0] == essay.get_absolute_url()
        assert "is on your reading list." in page_text(done)
        assert SavedEssay.objects.filter(user=student, essay=essay).exists()

    def test_the_list_needs_a_login(self, client):
        response = client.get("/reading-list/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert client.post("/reading-list/1/remove/").status_code == 302


class TestTheList:
    def test_newest_saved_first_with_notes_and_remove(self, client, student, section):
        older = factories.make_essay(section=section, title="The older essay on the Berlin Blockade")
        newer = factories.make_essay(section=section, title="The newer essay on the Cuban Missile Crisis")
        services.reading_list_save(user=student, essay=older)
        item = services.reading_list_save(user=student, essay=newer)
        client.force_login(student)
        page = page_text(client.get("/reading-list/"))
        assert page.index(newer.title) < page.index(older.title)

        client.post(f"/reading-list/{item.pk}/note/", {"note": "  Use for the Cuba question  "})
        assert "Use for the Cuba question</textarea>" in page_text(client.get("/reading-list/"))
        data = client.post(f"/reading-list/{item.pk}/note/", {"note": "x"}, HTTP_ACCEPT="application/json").json()
        assert data == {"message": "Note saved.", "note": "x"}

        response = client.post(f"/reading-list/{item.pk}/remove/", {"next": "/reading-list/"}, follow=True)
        page = page_text(response)
        assert "is no longer on your reading list." in page
        assert list(SavedEssay.objects.filter(user=student).values_list("essay", flat=True)) == [older.pk]

    def test_withdrawn_and_deleted_essays_show_as_no_longer_available(self, client, student, section):
        withdrawn = factories.make_essay(section=section, title="An essay its author withdrew")
        deleted = factories.make_essay(section=section, title="An essay that was deleted")
        services.reading_list_save(user=student, essay=withdrawn)
        services.reading_list_save(user=student, essay=deleted)
        Essay.objects.filter(pk=withdrawn.pk).update(status=Essay.Status.WITHDRAWN)
        Essay.objects.filter(pk=deleted.pk).delete()
        client.force_login(student)
        response = client.get("/reading-list/")
        assert response.status_code == 200
        page = page_text(response)
        assert page.count("No longer available") == 2
        assert "An essay its author withdrew" in page and "An essay that was deleted" in page
        assert withdrawn.get_absolute_url() not in page
        # Still removable.
        for item in SavedEssay.objects.filter(user=student):
            assert client.post(f"/reading-list/{item.pk}/remove/").status_code == 302
        assert not SavedEssay.objects.exists()

    def test_the_list_is_paginated(self, client, student, section):
        for _ in range(23):
            services.reading_list_save(user=student, essay=factories.make_essay(section=section))
        client.force_login(student)
        assert page_text(client.get("/reading-list/")).count('class="essay-card"') == 20
        second = page_text(client.get("/reading-list/?page=2"))
        assert second.count('class="essay-card"') == 3 and "Page 2 of 2" in second

    def test_the_header_links_to_the_list(self, client, student):
        client.force_login(student)
        assert '<a href="/reading-list/">My reading list</a>' in page_text(client.get("/"))


class TestNobodyElses:
    def test_another_users_items_answer_404_and_stay_unchanged(self, client, student, essay):
        other = factories.UserFactory(display_name="Someone Else")
        item = services.reading_list_save(user=other, essay=essay)
        services.reading_list_note_set(user=other, item_id=item.pk, note="private thought")
        client.force_login(student)
        assert client.post(f"/reading-list/{item.pk}/remove/").status_code == 404
        assert client.post(f"/reading-list/{item.pk}/note/", {"note": "changed"}).status_code == 404
        assert client.post(f"/reading-list/{item.pk}/remove/", HTTP_ACCEPT="application/json").status_code == 404
        item.refresh_from_db()
        assert item.note == "private thought"
        page = page_text(client.get("/reading-list/"))
        assert "private thought" not in page and essay.title not in page.split("<h1>", 1)[1]


class TestListingQueries:
    def test_a_signed_in_listing_makes_the_same_number_of_queries_for_any_number_of_cards(
        self, client, student, section, settings
    ):
        settings.REDINK_PAGE_SIZE = 50
        client.force_login(student)
        url = section.get_absolute_url()

        def queries_for(cards: int) -> int:
            while Essay.objects.filter(section=section).count() < cards:
                essay = factories.make_essay(section=section)
                services.reading_list_save(user=student, essay=essay)
            client.get(url)  # warm caches (levels, figures)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert page_text(response).count('class="save-form"') == cards
            return len(captured)

        assert queries_for(2) == queries_for(12)

    def test_saved_cards_say_saved(self, client, student, section):
        saved = factories.make_essay(section=section, title="The one on my list")
        factories.make_essay(section=section, title="The one not on my list")
        services.reading_list_save(user=student, essay=saved)
        client.force_login(student)
        page = page_text(client.get(section.get_absolute_url()))
        assert page.count("from your reading list</span></button>") == 1
        assert page.count("to your reading list</span></button>") == 1
        assert page.count("js/reading.js") == 1


class TestSaveInSearchResults:
    def test_visitors_get_a_save_link_on_each_result(self, client, section):
        essay = factories.make_essay(section=section, title="Zebrafinch migration and the seasons")
        page = page_text(client.get("/search/?q=zebrafinch"))
        assert f"/accounts/login/?next=/reading-list/save/{essay.slug}/" in page
        assert "csrfmiddlewaretoken" not in page

    def test_signed_in_readers_save_from_the_results_and_see_them_saved(self, client, student, section):
        saved = factories.make_essay(section=section, title="Zebrafinch song in spring")
        factories.make_essay(section=section, title="Zebrafinch nests in autumn")
        services.reading_list_save(user=student, essay=saved)
        client.force_login(student)
        page = page_text(client.get("/search/?q=zebrafinch"))
        assert page.count("from your reading list</span></button>") == 1
        assert page.count("to your reading list</span></button>") == 1
