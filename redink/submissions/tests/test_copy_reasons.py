"""A refused copy is told what it copies as things are when the reason is shown, not as they were when
it was refused: the upload it repeated may since have been published, or turned down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_withdraw
from redink.submissions.models import Submission
from redink.submissions.services.moderation import submission_approve, submission_reject
from redink.testing.factories import UserFactory

from .helpers import upload_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(contributor, section, originals):  # type: ignore[no-untyped-def]
    """An upload in review, whose text the tests upload again."""
    return upload_text(contributor=contributor, section=section, text=originals[0].body, title="The original")


@pytest.fixture
def copier(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Second Uploader")


def status_reason(client, user, submission):  # type: ignore[no-untyped-def]
    client.force_login(user)
    rows = client.get(reverse("submissions:upload-statuses")).json()["uploads"]
    return next(row["reason"] for row in rows if row["id"] == submission.pk)


def test_a_copy_of_an_upload_since_published_names_and_links_the_essay(
    client, original, copier, section, moderator, committed
):
    copy = upload_text(contributor=copier, section=section, text=original.extracted_text, title="Mine")
    assert copy.status == Submission.Status.REJECTED
    assert copy.reason == "It is a copy of an essay that is already awaiting review."
    assert "The original" not in copy.reason, "an upload in review is nobody else's to read about"

    essay = committed(submission_approve, submission=original, moderator=moderator)
    copy.refresh_from_db()
    words = "It is a copy of “The original”, which is now in the library."
    assert copy.reason == words
    assert status_reason(client, copier, copy) == words
    page = client.get(reverse("submissions:uploads")).content.decode()
    assert "awaiting review" not in page
    assert (
        f'It is a copy of “<a href="{essay.get_absolute_url()}">The original</a>”, which is now in the library.' in page
    )
    client.force_login(moderator)
    review = client.get(reverse("submissions:review", args=[copy.pk])).content.decode()
    assert f'<a href="{essay.get_absolute_url()}">The original</a>' in review and "awaiting review" not in review


def test_a_copy_of_your_own_upload_since_published_points_to_corrections(
    client, original, contributor, section, moderator, committed
):
    again = upload_text(contributor=contributor, section=section, text=original.extracted_text, title="Again")
    assert again.reason == "You have already uploaded this text as “The original”, which is awaiting review."
    committed(submission_approve, submission=original, moderator=moderator)
    again.refresh_from_db()
    assert again.reason == (
        "It repeats your essay “The original”, which is now in the library. To correct that essay, use “Upload a "
        "corrected version” on your uploads page."
    )


def test_a_copy_of_an_upload_since_turned_down_keeps_neutral_words(
    client, original, copier, contributor, section, moderator, committed
):
    copy = upload_text(contributor=copier, section=section, text=original.extracted_text, title="Mine")
    again = upload_text(contributor=contributor, section=section, text=original.extracted_text, title="Again")
    committed(submission_reject, submission=original, moderator=moderator, reason="quality")
    copy.refresh_from_db()
    again.refresh_from_db()
    assert copy.reason == "It was a copy of an essay sent to the library before it."
    assert again.reason == "You had already uploaded this text as “The original”."
    for reason in (copy.reason, again.reason, status_reason(client, copier, copy)):
        assert "awaiting review" not in reason and "in the library." not in reason


def test_a_copy_of_an_essay_since_withdrawn_says_it_has_left(client, original, copier, section, moderator, committed):
    essay = committed(submission_approve, submission=original, moderator=moderator)
    copy = upload_text(contributor=copier, section=section, text=original.extracted_text, title="Mine")
    assert copy.reason == "It is a copy of “The original”, which is already in the library."
    committed(essay_withdraw, essay=Essay.objects.get(pk=essay.pk))
    copy.refresh_from_db()
    assert copy.reason == "It was a copy of an essay that has since left the library."
    client.force_login(copier)
    assert essay.get_absolute_url() not in client.get(reverse("submissions:uploads")).content.decode()


def test_a_moderators_own_copy_rejection_keeps_the_moderators_note(original, moderator, committed):
    committed(submission_reject, submission=original, moderator=moderator, reason="copy", note="See the IB site.")
    original.refresh_from_db()
    assert original.reason == "A copy of an essay already in the library. See the IB site."


def test_the_uploads_page_words_every_refusal_in_a_fixed_number_of_queries(
    client, original, copier, section, moderator, committed, django_assert_max_num_queries
):
    committed(submission_approve, submission=original, moderator=moderator)
    for n in range(4):
        upload_text(contributor=copier, section=section, text=original.extracted_text, title=f"Copy {n}")
    client.force_login(copier)
    client.get("/")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("submissions:uploads")).content.decode()
    assert page.count("which is already in the library.") == 4
    with django_assert_max_num_queries(6):
        client.get(reverse("submissions:upload-statuses"))
