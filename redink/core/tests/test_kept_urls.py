"""The header's and footer's addresses, kept per process by `{% url %}`, are still the ones the
site answers at: under another script prefix or URLconf a page links there, not to a kept answer."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_a_signed_in_page_links_where_the_site_answers(client):
    client.force_login(UserFactory())
    for _ in range(2):  # the second time from the kept answers
        page = client.get("/contact/").content.decode()
        for name in ("search:results", "reading:list", "submissions:upload", "privacy:privacy"):
            assert f'href="{reverse(name)}"' in page or f'action="{reverse(name)}"' in page


def test_addresses_with_arguments_follow_them():
    source = "{% url 'catalogue:essay' slug %}"
    assert render(source, slug="first-essay") == reverse("catalogue:essay", args=["first-essay"])
    assert render(source, slug="second-essay") == "/essays/second-essay/"


def test_a_name_that_is_not_there_still_fails_and_as_still_swallows_it():
    with pytest.raises(NoReverseMatch):
        render("{% url 'catalogue:no-such-page' %}")
    assert render("{% url 'catalogue:no-such-page' as gone %}[{{ gone }}]") == "[]"


def test_an_address_is_escaped_as_django_escapes_it():
    source = "{% url 'catalogue:essay' slug %}|{% autoescape off %}{% url 'search:results' %}{% endautoescape %}"
    assert render(source, slug="a-b") == "/essays/a-b/|/search/"


def test_another_urlconf_gives_its_own_addresses():
    assert render("{% url 'contact' %}") == "/contact/"
    with override_settings(ROOT_URLCONF="redink.core.tests.urls_elsewhere"):
        assert render("{% url 'contact' %}") == "/elsewhere/contact/"
    assert render("{% url 'contact' %}") == "/contact/"


def test_a_site_served_under_a_script_prefix_links_under_it():
    try:
        set_script_prefix("/mirror/")
        assert render("{% url 'contact' %}") == "/mirror/contact/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'contact' %}") == "/contact/"


def test_an_address_kept_with_as_is_the_plain_address_and_follows_its_argument():
    source = (
        "{% url 'catalogue:essay' slug as there %}<{{ there }}>{% autoescape off %}[{{ there }}]{% endautoescape %}"
    )
    assert render(source, slug="x-y") == "</essays/x-y/>[/essays/x-y/]"
    assert render(source, slug="z") == "</essays/z/>[/essays/z/]"
