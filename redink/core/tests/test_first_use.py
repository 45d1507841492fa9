"""What a new user meets first: no page is a dead end, and every refusal is a page that says why."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class TestHeader:
    @pytest.mark.parametrize("path", ["/", "/search/?q=war", "/contribute/uploads/", "/join/", "/contact/"])
    def test_a_signed_in_user_reaches_their_account_upload_and_check_from_every_page(self, client, student, path):
        client.force_login(student)
        page = client.get(path).content.decode()
        header = page[page.index('<header class="site-header">') : page.index("</header>")]
        account = re.search(r'<a class="whoami" href="([^"]+)"[^>]*><bdi>([^<]+)</bdi></a>', header)
        assert account and account.group(1) == reverse("accounts:overview")
        assert account.group(2) == student.public_name
        assert f'href="{reverse("submissions:upload")}">Upload an essay</a>' in header
        assert f'href="{reverse("submissions:check")}">Check my essay</a>' in header

    def test_the_home_page_offers_upload_and_check_to_visitors(self, client):
        page = client.get("/").content.decode()
        assert f'href="{reverse("submissions:upload")}">Upload an essay</a>' in page
        assert f'href="{reverse("submissions:check")}">Check my essay</a>' in page
        # A visitor following either is asked to log in, then comes back.
        response = client.get(reverse("submissions:upload"))
        assert response.status_code == 302 and "/accounts/login/?next=/contribute/" in response["Location"]


class TestRefusals:
    def test_manage_subscription_opened_as_an_address_goes_to_the_account_page(self, client, student):
        client.force_login(student)
        response = client.get(reverse("billing:manage"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:overview")

    def test_a_teacher_opening_moderation_gets_a_page_that_says_why(self, client, teacher):
        client.force_login(teacher)
        response = client.get(reverse("submissions:queue"))
        assert response.status_code == 403
        page = response.content.decode()
        assert '<header class="site-header">' in page  # the site's own layout
        assert "This page isn't open to your account" in page
        assert "This page is for the moderators who check uploads, requests and teachers." in page
        assert teacher.email in page and reverse("contact") in page

    def test_a_form_address_opened_directly_is_a_page_not_a_blank_405(self, client, student):
        client.force_login(student)
        response = client.get(reverse("billing:webhook"))  # a POST-only address
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        page = response.content.decode()
        assert "Nothing to show at this address" in page and '<header class="site-header">' in page

    def test_a_form_sent_without_its_token_gets_a_page_that_says_what_to_do(self, student):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(student)
        response = client.post(reverse("submissions:check"), {"text": "words " * 40})
        assert response.status_code == 403
        assert "Please send the form again" in response.content.decode()


class TestSiteMap:
    def test_the_footer_links_a_site_map_for_people_and_crawlers_keep_the_xml(self, client, essay):
        home = client.get("/").content.decode()
        footer = home[home.index('<footer class="site-footer">') :]
        assert f'<a href="{reverse("site-map")}">Site map</a>' in footer
        assert 'href="/sitemap.xml"' not in footer
        page = client.get(reverse("site-map")).content.decode()
        for place in (essay.level, essay.subject, essay.section):
            assert f'href="{place.get_absolute_url()}">{place.name}</a>' in page
        assert client.get("/sitemap.xml").status_code == 200

    def test_the_site_map_leaves_out_empty_sections(self, client, essay, section):
        from redink.testing.factories import SectionFactory

        empty = SectionFactory(subject=section.subject, name="Nothing here yet")
        page = client.get(reverse("site-map")).content.decode()
        assert empty.name not in page
