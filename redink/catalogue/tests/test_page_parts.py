"""The essay page's text and reviews kept rendered in the cache: each reader still gets what
`essay_text_for` lets them read, and a new review or comment shows at once."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from redink.accounts.models import User
from redink.catalogue.models import Section
from redink.marking.comments import comment_add, comment_hide
from redink.marking.services import ReviewInput, review_save
from redink.testing.factories import UserFactory, committed, grant_membership, make_essay

pytestmark = pytest.mark.django_db

HIDDEN = "zqhiddenword"


@pytest.fixture
def long_essay(section):  # type: ignore[no-untyped-def]
    paragraphs = [f"Paragraph {n} makes a point about the superpowers. It gives evidence." for n in range(1, 16)]
    paragraphs[-1] = f"The closing paragraph holds the word {HIDDEN} that only full readers see."
    return make_essay(section=section, text="\n\n".join(paragraphs))


def body(client, essay) -> str:  # type: ignore[no-untyped-def]
    response = client.get(essay.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_text_kept_for_a_member_never_reaches_a_visitor_or_a_free_student(client, long_essay, member, student):
    client.force_login(member)
    assert HIDDEN in body(client, long_essay)
    assert HIDDEN in body(client, long_essay)  # now from the cache
    client.logout()
    assert HIDDEN not in body(client, long_essay)
    client.force_login(student)
    assert HIDDEN not in body(client, long_essay)
    client.logout()
    client.force_login(member)
    assert HIDDEN in body(client, long_essay)


def test_a_membership_that_ends_ends_the_full_text_at_once(client, long_essay, member):
    client.force_login(member)
    assert HIDDEN in body(client, long_essay)
    member.entitlements.update(ends_at=member.date_joined)
    assert HIDDEN not in body(client, long_essay)


def test_a_new_review_or_comment_shows_at_once_and_a_hidden_comment_goes(client, long_essay, member, staff):
    client.force_login(member)
    assert "teacher review" not in body(client, long_essay)
    teacher = UserFactory(is_verified_teacher=True, display_name="Ms Okafor")
    data = ReviewInput(stars=5, strengths="A sure argument zqstrength.", next_steps="More dates.")
    committed(review_save, essay=long_essay, teacher=teacher, data=data, publish=True)
    long_essay.refresh_from_db()
    page = body(client, long_essay)
    assert "from 1 teacher review" in page and "zqstrength" in page

    comment = comment_add(
        essay=long_essay, teacher=teacher, body="Say which evidence zqcomment", start=0, end=9, text_version=1
    )
    assert "zqcomment" in body(client, long_essay)
    comment_hide(comment=comment, moderator=staff, reason="Off topic")
    assert "zqcomment" not in body(client, long_essay)


def test_a_kept_page_carries_each_readers_own_name_save_state_and_form_token(long_essay, member):
    """The page kept for one member is served to the next with the second member's header and
    Save button, and the second member's form token works (the kept part holds none)."""
    first = Client(enforce_csrf_checks=True)
    first.force_login(member)
    first.post(reverse("reading:save", args=[long_essay.slug]), {"csrfmiddlewaretoken": token(first, long_essay)})
    assert "Remove<span" in body(first, long_essay)  # saved: the form offers to remove it

    second_member = UserFactory(display_name="Second Reader")
    grant_membership(second_member)
    second = Client(enforce_csrf_checks=True)
    second.force_login(second_member)
    page = body(second, long_essay)
    assert HIDDEN in page  # the full text, from the entry the first member's view kept
    assert "Second Reader" in page and "Paying Member" not in page
    assert "Remove<span" not in page and "Save<span" in page
    response = second.post(
        reverse("reading:save", args=[long_essay.slug]), {"csrfmiddlewaretoken": token(second, long_essay)}
    )
    assert response.status_code in (200, 302)
    assert second_member.saved_essays.filter(essay=long_essay).exists()


def token(client, essay) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body(client, essay))
    assert found, "the page has no form token"
    return found.group(1)


def test_a_renamed_section_and_a_renamed_author_show_at_once_on_a_kept_page(client, long_essay, member):
    long_essay.author = UserFactory(display_name="First Name")
    long_essay.save(update_fields=["author"])
    client.force_login(member)
    page = body(client, long_essay)
    assert "International relations 1945-1991" in page and "First Name" in page
    Section.objects.filter(pk=long_essay.section_id).update(name="The Cold War, 1945-91")
    User.objects.filter(pk=long_essay.author_id).update(display_name="A Renamed Author")
    page = body(client, long_essay)
    assert "The Cold War, 1945-91" in page and "International relations 1945-1991" not in page
    assert "A Renamed Author" in page and "First Name" not in page


def test_a_teachers_page_is_never_the_kept_one(client, long_essay, member, teacher):
    """A teacher's page has the comment controls; a member's kept page has none, and neither
    is served to the other."""
    client.force_login(member)
    assert "data-annotate-bar" not in body(client, long_essay)
    client.force_login(teacher)
    assert "data-annotate-bar" in body(client, long_essay)
    client.force_login(member)
    assert "data-annotate-bar" not in body(client, long_essay)
