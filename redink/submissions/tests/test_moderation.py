"""Moderators: the queue and its filters, the review page, side-by-side comparison, details, approve and
reject (with the log and the contributor's e-mail), and the original file."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from redink.catalogue.models import Essay
from redink.submissions.models import ModerationEvent, Submission, TextSignature
from redink.submissions.originality.index import signature_store
from redink.submissions.originality.shingles import shingle
from redink.submissions.testing.documents import make_docx
from redink.testing.factories import SectionFactory, make_essay

from .helpers import upload_document, upload_file, upload_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(contributor, section, originals):  # type: ignore[no-untyped-def]
    return upload_document(contributor=contributor, section=section, paragraphs=originals[0].paragraphs, title="Queued")


@pytest.fixture
def flagged(contributor, section, drafts):  # type: ignore[no-untyped-def]
    """An upload that copies the first half of a published essay."""
    copy = next(d for d in drafts if d.plan.copy_kind == "first_half")
    source = drafts[copy.plan.copy_of]
    essay = make_essay(title="The source essay", text=source.body, section=section)
    signature_store(shingled=shingle(essay.body), essay=essay)
    return upload_text(contributor=contributor, section=section, text=copy.body, title="Half of it")


def staff_client(client, moderator):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    return client


class TestAccess:
    URLS = ("queue", "takedowns")

    def test_visitors_log_in_and_students_are_refused(self, client, student, queued):
        urls = [reverse(f"submissions:{n}") for n in self.URLS] + [
            reverse("submissions:review", args=[queued.pk]),
            reverse("submissions:download", args=[queued.pk]),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(student)
        for url in urls[:-1]:
            assert client.get(url).status_code == 403
        assert client.get(urls[-1]).status_code == 404  # someone else's file: no such file (test_private_files.py)
        assert client.post(reverse("submissions:approve", args=[queued.pk])).status_code == 403
        queued.refresh_from_db()
        assert queued.status == Submission.Status.IN_REVIEW

    def test_odd_record_numbers_are_not_found(self, client, moderator):
        staff_client(client, moderator)
        assert client.get("/moderation/uploads/not-a-number/").status_code == 404
        assert client.get("/moderation/uploads/99999/").status_code == 404


class TestQueue:
    def test_lists_uploads_in_review_oldest_first_with_filters(self, client, moderator, queued, flagged, section):
        failed = upload_text(contributor=queued.contributor, section=section, text="short " * 20, title="Failed one")
        other_section = SectionFactory()
        elsewhere = upload_text(
            contributor=queued.contributor,
            section=other_section,
            text=queued.extracted_text + " extra",
            title="Elsewhere",
        )
        staff_client(client, moderator)
        page = client.get(reverse("submissions:queue")).content.decode()
        assert page.index("Queued") < page.index("Half of it")  # oldest first
        assert "Failed one" not in page
        assert "Flagged" in page
        only_flagged = client.get(reverse("submissions:queue") + "?status=in_review&flagged=on").content.decode()
        assert "Half of it" in only_flagged and ">Queued<" not in only_flagged
        failures = client.get(reverse("submissions:queue") + "?status=failed").content.decode()
        assert "Failed one" in failures and "too_short" in failures
        level = other_section.subject.level.slug
        by_level = client.get(reverse("submissions:queue") + f"?status=&level={level}").content.decode()
        assert "Elsewhere" in by_level and ">Queued<" not in by_level
        by_title = client.get(reverse("submissions:queue") + "?status=&q=half").content.decode()
        assert "Half of it" in by_title and ">Queued<" not in by_title
        assert failed.pk and elsewhere.pk

    def test_a_fixed_number_of_queries(self, client, moderator, queued, contributor, section, originals):
        staff_client(client, moderator)
        client.get(reverse("submissions:queue"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("submissions:queue"))
        for n, draft in enumerate(originals[1:6]):
            upload_text(contributor=contributor, section=section, text=draft.body, title=f"More {n}")
        with CaptureQueriesContext(connection) as more:
            client.get(reverse("submissions:queue"))
        assert len(more) == len(few)


class TestReview:
    def test_shows_the_extracted_text_the_overlap_report_and_the_log(self, client, moderator, flagged):
        staff_client(client, moderator)
        page = client.get(reverse("submissions:review", args=[flagged.pk])).content.decode()
        assert flagged.extracted_text.split("\n\n")[0] in page
        match = flagged.matches.get()
        assert "The source essay" in page and "Partial copy" in page
        assert "100%" in page  # all of this upload is in the source
        assert reverse("submissions:compare", args=[flagged.pk, match.pk]) in page
        assert "Flagged as a partial copy by the system" in page

    def test_side_by_side_marks_the_shared_passages_on_both_sides(self, client, moderator, flagged):
        staff_client(client, moderator)
        match = flagged.matches.get()
        page = client.get(reverse("submissions:compare", args=[flagged.pk, match.pk])).content.decode()
        assert page.count('<mark class="passage') >= 2
        assert page.count("<sup>1</sup>") >= 2  # passage 1 on the left and on the right
        first_paragraph = flagged.extracted_text.split("\n\n")[0]
        assert first_paragraph[:60] in page

    def test_editing_details_is_logged(self, client, moderator, queued):
        new_section = SectionFactory(name="Cells")
        staff_client(client, moderator)
        response = client.post(
            reverse("submissions:review", args=[queued.pk]),
            {"title": "A better title", "section": new_section.pk, "exam_board": "OCR", "year": "2023", "grade": "7"},
        )
        assert response.status_code == 302
        queued.refresh_from_db()
        assert (queued.title, queued.section, queued.exam_board, queued.year) == (
            "A better title",
            new_section,
            "OCR",
            2023,
        )
        event = queued.events.get(action=ModerationEvent.Action.EDITED)
        assert event.actor == moderator and "title: Queued → A better title" in event.note

    def test_the_original_file_downloads_as_an_attachment(self, client, moderator, contributor, section):
        data = b"<html><body><script>alert(1)</script>" + b"<p>too short</p></body></html>"
        failed = upload_file(contributor=contributor, section=section, filename="essay.html", data=data)
        assert failed.status == Submission.Status.FAILED
        staff_client(client, moderator)
        response = client.get(reverse("submissions:download", args=[failed.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"].startswith("text/html")  # what it is, but never shown: attachment
        assert (
            response["Content-Disposition"].startswith("attachment;")
            and "essay.html" in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"


class TestDecisions:
    def test_approve_publishes_indexes_and_logs(
        self, client, moderator, queued, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff_client(client, moderator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("submissions:approve", args=[queued.pk]))
        assert response.status_code == 302
        queued.refresh_from_db()
        essay = queued.essay
        assert queued.status == Submission.Status.PUBLISHED and essay.status == Essay.Status.PUBLISHED
        assert (queued.decided_by, essay.author) == (moderator, queued.contributor)
        assert essay.title in client.get(queued.section.get_absolute_url()).content.decode()
        word = next(w for w in essay.body.split() if len(w) >= 9 and w.isalpha())
        assert essay.get_absolute_url() in client.get(f"/search/?q={word}").content.decode()
        assert TextSignature.objects.filter(essay=essay, submission=None).exists()
        event = queued.events.get(action=ModerationEvent.Action.APPROVED)
        assert event.actor == moderator and event.created_at
        assert [m.subject for m in mailoutbox] == ["Your essay “Queued” is published"]
        # A second approval is refused, not a second essay.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("submissions:approve", args=[queued.pk]))
        assert Essay.objects.count() == 1

    def test_reject_needs_a_reason_from_the_list(
        self, client, moderator, queued, mailoutbox, django_capture_on_commit_callbacks
    ):
        staff_client(client, moderator)
        response = client.post(reverse("submissions:reject", args=[queued.pk]), {"reason": "", "note": ""})
        assert response.status_code == 400
        response = client.post(reverse("submissions:reject", args=[queued.pk]), {"reason": "other", "note": ""})
        assert response.status_code == 400 and "Say why in the note" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("submissions:reject", args=[queued.pk]),
                {"reason": "personal_data", "note": "Your full name and school are in the second paragraph."},
            )
        assert response.status_code == 302
        queued.refresh_from_db()
        assert queued.status == Submission.Status.REJECTED and queued.decided_by == moderator
        assert queued.reason == "Contains personal information. Your full name and school are in the second paragraph."
        assert not TextSignature.objects.filter(submission=queued).exists()
        event = queued.events.get(action=ModerationEvent.Action.REJECTED)
        assert event.actor == moderator and "Contains personal information" in event.note
        (mail,) = mailoutbox
        assert mail.subject == "Your upload “Queued” was not published"
        assert "Why: Contains personal information. Your full name and school" in mail.body

    def test_approving_what_became_a_copy_is_refused(self, moderator, queued, committed):
        from redink.submissions.services.moderation import ModerationError, submission_approve

        make_essay(title="Published meanwhile", text=queued.extracted_text, section=queued.section)
        essay = Essay.objects.get(title="Published meanwhile")
        signature_store(shingled=shingle(essay.body), essay=essay)
        with pytest.raises(ModerationError, match="now a copy of the published essay “Published meanwhile”"):
            committed(submission_approve, submission=queued, moderator=moderator)

    def test_a_copy_of_an_upload_in_review_by_someone_else_names_nothing(self, queued, section, student):
        copy = upload_text(contributor=student, section=section, text=queued.extracted_text, title="Mine now")
        assert copy.status == Submission.Status.REJECTED
        assert copy.reason == "It is a copy of an essay that is already awaiting review."
        assert "Queued" not in copy.reason

    def test_the_same_upload_twice_by_its_contributor(self, queued, section, contributor):
        again = upload_document(
            contributor=contributor, section=section, paragraphs=queued.extracted_text.split("\n\n"), title="Again"
        )
        assert again.status == Submission.Status.REJECTED
        assert "You have already uploaded this text as “Queued”, which is awaiting review." in again.reason


def test_a_corrected_docx_in_the_queue_can_be_read_by_moderators(client, moderator, contributor, section, originals):
    data = make_docx("Title", originals[2].paragraphs)
    submission = upload_file(contributor=contributor, section=section, filename="t.docx", data=data, title="Title")
    staff_client(client, moderator)
    page = client.get(reverse("submissions:review", args=[submission.pk])).content.decode()
    assert "read as docx" in page and "Download the file" in page
