"""The profile page, renames and the public author page /authors/<name>/."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from redink.accounts.models import PreviousDisplayName, User
from redink.catalogue.models import Essay
from redink.marking.models import Review
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(section):  # type: ignore[no-untyped-def]
    user = UserFactory(
        display_name="Quiet Reader",
        email="quiet.reader.secret@example.org",
        first_name="Rosalind",
        last_name="Featherstonehaugh",
        birth_year=2000,
        profile_public=True,
    )
    make_essay(section=section, author=user, title="The causes of the Cold War")
    make_essay(section=section, author=user, title="A draft nobody sees", status="pending")
    return user


def save_profile(client, **data):  # type: ignore[no-untyped-def]
    return client.post("/accounts/profile/", data)


class TestAuthorPage:
    def test_lists_published_essays_and_nothing_that_leads_to_the_person(self, client, author):
        page = client.get("/authors/Quiet%20Reader/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "<h1><bdi>Quiet Reader</bdi></h1>" in body
        assert "The causes of the Cold War" in body and "A draft nobody sees" not in body
        assert "1 published essay" in body
        for secret in ("quiet.reader.secret", "example.org", "Rosalind", "Featherstonehaugh", "2000"):
            assert secret not in body, secret

    def test_is_paginated(self, client, author, section, settings):
        settings.REDINK_PAGE_SIZE = 2
        for n in range(3):
            make_essay(section=section, author=author, title=f"Another essay {n}")
        first = client.get("/authors/Quiet%20Reader/").content.decode()
        assert "Page 1 of 2" in first
        assert "Page 2 of 2" in client.get("/authors/Quiet%20Reader/?page=2").content.decode()

    def test_a_private_page_is_not_found_and_the_byline_has_no_link(self, client, author):
        author.profile_public = False
        author.save()
        assert client.get("/authors/Quiet%20Reader/").status_code == 404
        essay = Essay.objects.get(title="The causes of the Cold War")
        body = client.get(essay.get_absolute_url()).content.decode()
        assert "Quiet Reader" in body and "/authors/" not in body

    def test_the_byline_links_to_a_public_page(self, client, author):
        essay = Essay.objects.get(title="The causes of the Cold War")
        body = client.get(essay.get_absolute_url()).content.decode()
        assert '<a href="/authors/Quiet%20Reader/"><bdi>Quiet Reader</bdi></a>' in body

    def test_other_capitals_redirect_to_the_page(self, client, author):
        response = client.get("/authors/quiet%20READER/?page=1")
        assert response.status_code == 301 and response["Location"] == "/authors/Quiet%20Reader/?page=1"

    def test_an_unknown_name_is_not_found(self, client, author):
        assert client.get("/authors/Nobody%20Here/").status_code == 404

    def test_a_teacher_page_says_how_many_essays_they_marked(self, client, section):
        teacher = UserFactory(display_name="Ms Marker", is_verified_teacher=True, profile_public=True)
        for n in range(2):
            Review.objects.create(
                essay=make_essay(section=section),
                teacher=teacher,
                stars=4,
                strengths="Clear.",
                next_steps="More evidence.",
                status=Review.Status.PUBLISHED if n == 0 else Review.Status.DRAFT,
                published_at=timezone.now(),
            )
        body = client.get("/authors/Ms%20Marker/").content.decode()
        assert "Marked 1 essay" in body and "Verified teacher" in body

    def test_a_student_page_says_nothing_of_marking(self, client, author):
        assert "Marked" not in client.get("/authors/Quiet%20Reader/").content.decode()

    def test_pages_of_authors_who_may_be_under_16_are_kept_out_of_search_engines(self, client, author):
        assert 'content="noindex"' not in client.get("/authors/Quiet%20Reader/").content.decode()
        author.birth_year = timezone.localdate().year - 14
        author.save()
        assert 'content="noindex"' in client.get("/authors/Quiet%20Reader/").content.decode()


class TestProfilePage:
    def test_is_linked_from_the_account_page_and_needs_a_login(self, client, author):
        assert client.get("/accounts/profile/").status_code == 302
        client.force_login(author)
        assert 'href="/accounts/profile/"' in client.get("/accounts/").content.decode()
        page = client.get("/accounts/profile/")
        assert page.status_code == 200 and 'value="Quiet Reader"' in page.content.decode()

    def test_a_rename_redirects_the_old_page_permanently(self, client, author):
        client.force_login(author)
        assert save_profile(client, display_name="Loud Writer", profile_public="on").status_code == 302
        author.refresh_from_db()
        assert author.display_name == "Loud Writer"
        old = client.get("/authors/Quiet%20Reader/")
        assert old.status_code == 301 and old["Location"] == "/authors/Loud%20Writer/"
        assert client.get("/authors/quiet%20reader/")["Location"] == "/authors/Loud%20Writer/"
        assert client.get("/authors/Loud%20Writer/").status_code == 200

    def test_an_old_name_cannot_be_taken_by_someone_else_but_its_owner_can_take_it_back(self, client, author):
        client.force_login(author)
        save_profile(client, display_name="Loud Writer", profile_public="on")
        other = UserFactory(display_name="Someone Else")
        client.force_login(other)
        refused = save_profile(client, display_name="QUIET READER")
        assert refused.status_code == 400 and "That display name is taken" in refused.content.decode()
        client.force_login(author)
        assert save_profile(client, display_name="Quiet Reader", profile_public="on").status_code == 302
        assert client.get("/authors/Quiet%20Reader/").status_code == 200
        assert client.get("/authors/Loud%20Writer/")["Location"] == "/authors/Quiet%20Reader/"
        assert list(PreviousDisplayName.objects.values_list("name", flat=True)) == ["Loud Writer"]

    def test_names_are_unique_ignoring_case_in_the_form_and_in_the_database(self, client, author):
        other = UserFactory(display_name="Someone Else")
        client.force_login(other)
        refused = save_profile(client, display_name="quiet reader")
        assert refused.status_code == 400 and "That display name is taken" in refused.content.decode()
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=other.pk).update(display_name="QUIET READER")

    def test_a_change_of_capitals_alone_is_allowed(self, client, author):
        client.force_login(author)
        assert save_profile(client, display_name="quiet reader", profile_public="on").status_code == 302
        author.refresh_from_db()
        assert author.display_name == "quiet reader" and not PreviousDisplayName.objects.exists()

    def test_refusals_are_explained(self, client, author):
        client.force_login(author)
        for name, words in [
            ("me@example.org", "cannot contain “@”"),
            ("Big Shit", "a word we do not allow"),
            ("x", "at least 2 characters"),
        ]:
            response = save_profile(client, display_name=name)
            assert response.status_code == 400 and words in response.content.decode(), name
        author.refresh_from_db()
        assert author.display_name == "Quiet Reader"

    def test_opting_in_and_out_of_the_author_page(self, client, author):
        client.force_login(author)
        save_profile(client, display_name="Quiet Reader")  # checkbox left unticked
        assert client.get("/authors/Quiet%20Reader/").status_code == 404
        save_profile(client, display_name="Quiet Reader", profile_public="on")
        assert client.get("/authors/Quiet%20Reader/").status_code == 200

    def test_another_users_profile_cannot_be_changed_by_naming_them(self, client, author):
        intruder = UserFactory(display_name="Intruder")
        client.force_login(intruder)
        save_profile(client, display_name="Renamed By Intruder", id=author.pk, user=author.pk, pk=author.pk)
        client.post("/accounts/profile/avatar/remove/", {"user": author.pk})
        author.refresh_from_db()
        intruder.refresh_from_db()
        assert author.display_name == "Quiet Reader" and author.profile_public
        assert intruder.display_name == "Renamed By Intruder"
        assert client.get(f"/accounts/profile/?user={author.pk}").content.decode().count("Quiet Reader") == 0


def test_staff_see_old_names_in_the_admin_and_the_admin_checks_names_too(client, author):
    PreviousDisplayName.objects.create(user=author, name="Older Name")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/accounts/user/{author.pk}/change/")
    assert page.status_code == 200 and "Older Name" in page.content.decode()
    form = page.context["adminform"].form
    data = {**form.initial, "display_name": "me@example.org", "groups": []}
    data = {k: v for k, v in data.items() if v is not None and k not in ("password", "last_login", "avatar")}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"})
    data.update({"previous_names-TOTAL_FORMS": "1", "previous_names-INITIAL_FORMS": "1"})
    data["previous_names-0-id"] = str(PreviousDisplayName.objects.get().pk)
    data["previous_names-0-user"] = str(author.pk)
    refused = client.post(f"/admin/accounts/user/{author.pk}/change/", data)
    assert refused.status_code == 200 and "cannot contain “@”" in refused.content.decode()
