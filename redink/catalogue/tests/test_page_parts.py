"""The essay page's text and reviews kept rendered in the cache: each reader still gets what
`essay_text_for` lets them read, and a new review or comment shows at once."""

from __future__ import annotations

import pytest

from redink.marking.comments import comment_add, comment_hide
from redink.marking.services import ReviewInput, review_save
from redink.testing.factories import UserFactory, committed, make_essay

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
