"""The Save control as a reader gets it, on the essay page and on search results: the HTML the
control always had (the script reading.js reads it), for a visitor, for a signed-in reader who
has saved the essay and for one who has not."""

from __future__ import annotations

import re

import pytest

from redink.reading import services
from redink.testing import factories

pytestmark = pytest.mark.django_db

TITLE = 'Tom & Jerry: "cat" <and> mouse'
ESCAPED = "Tom &amp; Jerry: &quot;cat&quot; &lt;and&gt; mouse"


@pytest.fixture
def tricky(section):  # type: ignore[no-untyped-def]
    return factories.make_essay(section=section, title=TITLE, text="Zanzibar harbour trade in the 1890s.")


def without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="T"', html)


def visitor_link(slug: str) -> str:
    return (
        f'<p class="save-link"><a href="/accounts/login/?next=/reading-list/save/{slug}/">Save<span '
        f'class="visually-hidden"> “<bdi>{ESCAPED}</bdi>” to a reading list (log in first)</span></a></p>\n'
    )


def save_form(*, action: str, next_url: str, saved: bool) -> str:
    label = (
        f'Remove<span class="visually-hidden"> “<bdi>{ESCAPED}</bdi>” from your reading list</span>'
        if saved
        else f'Save<span class="visually-hidden"> “<bdi>{ESCAPED}</bdi>” to your reading list</span>'
    )
    return (
        f'<form class="save-form" method="post" action="{action}" data-save-form data-title="{ESCAPED}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="T"><input type="hidden" name="next" value="{next_url}">\n'
        f'  <span class="badge" data-save-label{"" if saved else " hidden"}>Saved</span>\n'
        f'  <button type="submit" class="button-small button-secondary" data-save-button>{label}</button>\n'
        '  <span class="visually-hidden" role="status" data-save-status></span>\n'
        "</form>"
    )


SCRIPT = '<script src="/static/js/reading.js" defer></script>'


class TestOnTheEssayPage:
    def test_a_visitor_gets_the_login_link(self, client, tricky):
        assert visitor_link(tricky.slug) in client.get(tricky.get_absolute_url()).content.decode()

    def test_a_reader_who_has_not_saved_it_gets_the_save_form_and_the_script(self, client, student, tricky):
        client.force_login(student)
        url = tricky.get_absolute_url()
        page = without_token(client.get(url).content.decode())
        form = save_form(action=f"/reading-list/save/{tricky.slug}/", next_url=url, saved=False)
        assert form + SCRIPT + "\n" in page

    def test_a_reader_who_saved_it_gets_the_remove_form(self, client, student, tricky):
        item = services.reading_list_save(user=student, essay=tricky)
        client.force_login(student)
        url = tricky.get_absolute_url()
        page = without_token(client.get(url).content.decode())
        assert save_form(action=f"/reading-list/{item.pk}/remove/", next_url=url, saved=True) + SCRIPT in page


class TestOnSearchResults:
    @pytest.fixture
    def other(self, section):  # type: ignore[no-untyped-def]
        return factories.make_essay(section=section, title="Zanzibar and the spice trade", text="Zanzibar cloves.")

    def test_a_visitor_gets_a_login_link_on_every_card(self, client, tricky, other):
        page = client.get("/search/", {"q": "zanzibar"}).content.decode()
        assert visitor_link(tricky.slug) in page
        assert f"/accounts/login/?next=/reading-list/save/{other.slug}/" in page
        assert "save-form" not in page and "csrfmiddlewaretoken" not in page

    def test_a_reader_sees_saved_and_unsaved_essays_as_they_are(self, client, student, tricky, other):
        item = services.reading_list_save(user=student, essay=tricky)
        client.force_login(student)
        page = without_token(client.get("/search/", {"q": "zanzibar"}).content.decode())
        next_url = "/search/?q=zanzibar"
        assert save_form(action=f"/reading-list/{item.pk}/remove/", next_url=next_url, saved=True) in page
        assert f'action="/reading-list/save/{other.slug}/"' in page
        assert f'action="/reading-list/save/{tricky.slug}/"' not in page
        assert page.count('class="save-form"') == 2 and page.count(SCRIPT) == 1

    def test_removing_it_shows_save_again_on_the_next_search(self, client, student, tricky, other):
        item = services.reading_list_save(user=student, essay=tricky)
        client.force_login(student)
        client.get("/search/", {"q": "zanzibar"})
        client.post(f"/reading-list/{item.pk}/remove/")
        page = without_token(client.get("/search/", {"q": "zanzibar"}).content.decode())
        assert (
            save_form(action=f"/reading-list/save/{tricky.slug}/", next_url="/search/?q=zanzibar", saved=False) in page
        )
