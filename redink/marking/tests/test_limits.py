"""Teachers' writing is rate-limited per teacher: past REDINK_REVIEWS_PER_HOUR saved reviews or
REDINK_COMMENTS_PER_HOUR margin comments in the hour, the next one is refused with a message,
what was typed stays on the page, and nothing is stored. Another teacher is not held back."""

from __future__ import annotations

import pytest

from redink.marking.models import MarginComment, Review
from redink.testing.factories import UserFactory

from .test_reviews_helpers import form_data

pytestmark = pytest.mark.django_db


def review_url(essay) -> str:  # type: ignore[no-untyped-def]
    return f"/teach/essays/{essay.slug}/review/"


def comment_url(essay) -> str:  # type: ignore[no-untyped-def]
    return f"/teach/essays/{essay.slug}/comments/"


def test_a_review_past_the_hourly_limit_is_refused_and_keeps_what_was_typed(client, settings, essay, teacher):
    settings.REDINK_REVIEWS_PER_HOUR = 2
    client.force_login(teacher)
    for stars in ("3", "4"):
        saved = client.post(review_url(essay), {**form_data(stars=stars), "action": "draft"})
        assert saved.status_code == 302

    refused = client.post(
        review_url(essay), {**form_data(stars="5", strengths="A third go at the feedback."), "action": "publish"}
    )

    body = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "2 times in the last hour" in body and "Nothing was saved" in body
    assert "A third go at the feedback." in body
    review = Review.objects.get()
    assert review.stars == 4 and review.status == Review.Status.DRAFT

    other = UserFactory(display_name="Second Teacher", is_verified_teacher=True)
    client.force_login(other)
    assert client.post(review_url(essay), {**form_data(), "action": "draft"}).status_code == 302
    assert Review.objects.filter(teacher=other).exists()


def test_a_margin_comment_past_the_hourly_limit_is_refused_and_nothing_is_stored(client, settings, essay, teacher):
    settings.REDINK_COMMENTS_PER_HOUR = 2
    client.force_login(teacher)
    for n in (1, 2):
        client.post(
            comment_url(essay), {"paragraph": str(n), "body": f"Comment {n}.", "text_version": essay.text_version}
        )
    assert MarginComment.objects.count() == 2

    refused = client.post(
        comment_url(essay),
        {"paragraph": "3", "body": "One comment too many", "text_version": essay.text_version},
        follow=True,
    )

    body = refused.content.decode()
    assert MarginComment.objects.count() == 2
    assert "2 comments in the last hour" in body
    assert "One comment too many</textarea>" in body

    other = UserFactory(display_name="Second Teacher", is_verified_teacher=True)
    client.force_login(other)
    client.post(comment_url(essay), {"paragraph": "1", "body": "Mine.", "text_version": essay.text_version})
    assert MarginComment.objects.filter(teacher=other).count() == 1
