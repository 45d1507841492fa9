"""The privacy notice, terms of use, contributor licence and about pages: they name the operator
from settings, are linked from every page's footer and the site map, and an operator replaces
their texts with templates of their own."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import reverse

from redink.submissions.licence import LICENCE_PARAGRAPHS

pytestmark = pytest.mark.django_db

PAGES = ("privacy:privacy", "privacy:terms", "privacy:licence", "privacy:about")
OPERATOR = {
    "REDINK_OPERATOR_NAME": "Example Tutoring Ltd",
    "REDINK_OPERATOR_ADDRESS": "1 High Street, Exampleton EX1 2AB",
    "REDINK_CONTACT_EMAIL": "privacy@example.org",
}


@override_settings(**OPERATOR)
@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_and_names_the_operator(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Example Tutoring Ltd" in page
    assert "public" in response["Cache-Control"], "the same for every visitor, so a shared cache may keep it"


@override_settings(**OPERATOR)
def test_the_privacy_notice_and_terms_give_the_address_and_contact(client):
    for name in ("privacy:privacy", "privacy:terms"):
        page = client.get(reverse(name)).content.decode()
        assert "1 High Street, Exampleton EX1 2AB" in page
        assert 'href="mailto:privacy@example.org"' in page


def test_the_privacy_notice_says_what_it_must(client, settings):
    settings.REDINK_MINIMUM_AGE = 14
    page = client.get(reverse("privacy:privacy")).content.decode()
    for words in (
        "never see or keep your card number",
        "Stripe",
        "90 days",
        "six years in the UK",
        "at least 14",
        "under 16",
        "Download my data",
        "Delete my account",
        "Information Commissioner",
        "lawful basis",
    ):
        assert words in page, words


def test_without_an_address_none_is_shown(client, settings):
    settings.REDINK_OPERATOR_ADDRESS = ""
    settings.REDINK_OPERATOR_NAME = "Redink Trust"
    page = client.get(reverse("privacy:privacy")).content.decode()
    assert "<strong>Redink Trust</strong>. In data protection law" in page


def test_the_licence_page_shows_the_words_the_upload_page_shows(client):
    page = client.get(reverse("privacy:licence")).content.decode()
    for paragraph in LICENCE_PARAGRAPHS:
        assert f"<p>{paragraph}</p>" in page.replace("&#x27;", "'")


def test_every_page_links_them_from_its_footer(client, essay):
    for url in (reverse("catalogue:home"), essay.get_absolute_url(), reverse("privacy:terms")):
        page = client.get(url).content.decode()
        footer = page[page.index('<footer class="site-footer">') :]
        for name in (*PAGES, "contact"):
            assert f'href="{reverse(name)}"' in footer, (url, name)


def test_the_site_map_lists_them(client):
    page = client.get(reverse("site-map")).content.decode()
    main = page[: page.index('<footer class="site-footer">')]
    for name in (*PAGES, "contact"):
        assert f'href="{reverse(name)}"' in main, name


def test_an_operator_template_replaces_a_page(client, settings, tmp_path):
    own = tmp_path / "privacy"
    own.mkdir()
    (own / "terms.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Our own rules</h1><p>{{ operator_name }}</p>{% endblock %}'
    )
    settings.REDINK_OPERATOR_NAME = "Example Tutoring Ltd"
    settings.TEMPLATES = [{**django_settings.TEMPLATES[0], "DIRS": [tmp_path, *django_settings.TEMPLATES[0]["DIRS"]]}]
    page = client.get(reverse("privacy:terms")).content.decode()
    assert "Our own rules" in page and "Example Tutoring Ltd" in page
    assert "Using the site fairly" not in page
    assert 'href="/privacy/"' in page, "it still extends the site's own base.html, footer and all"
    assert "Privacy notice" in client.get(reverse("privacy:privacy")).content.decode(), "the others are untouched"


def test_redink_templates_dir_is_searched_first(monkeypatch, tmp_path):
    monkeypatch.setenv("REDINK_TEMPLATES_DIR", str(tmp_path))
    configured = runpy.run_path(str(Path(django_settings.BASE_DIR) / "redink" / "settings.py"))
    assert configured["TEMPLATES"][0]["DIRS"] == [tmp_path, Path(django_settings.BASE_DIR) / "templates"]
    monkeypatch.delenv("REDINK_TEMPLATES_DIR")
    configured = runpy.run_path(str(Path(django_settings.BASE_DIR) / "redink" / "settings.py"))
    assert configured["TEMPLATES"][0]["DIRS"] == [Path(django_settings.BASE_DIR) / "templates"]
