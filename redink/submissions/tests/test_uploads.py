"""Contributors: the upload page, processing on commit, statuses (and the JSON the page polls),
corrections that replace an essay's text, withdrawal, e-mails and earned membership days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from redink.access.models import Entitlement
from redink.access.visibility import reads_everything
from redink.catalogue.models import Essay
from redink.submissions.licence import LICENCE_PARAGRAPHS
from redink.submissions.models import ModerationEvent, Submission, TextSignature
from redink.submissions.services.moderation import submission_approve
from redink.submissions.testing.documents import make_docx
from redink.testing.factories import UserFactory

from .conftest import uploaded
from .helpers import upload_text

pytestmark = pytest.mark.django_db


def form_data(section_obj, **extra):  # type: ignore[no-untyped-def]
    return {
        "title": "The causes of the First World War",
        "section": section_obj.pk,
        "exam_board": "AQA",
        "year": "2024",
        "grade": "A*",
        "declaration": "on",
        "licence": "on",
        **extra,
    }


class TestUploadPage:
    def test_visitors_are_sent_to_log_in(self, client):
        for name in ("upload", "uploads", "upload-statuses"):
            response = client.get(reverse(f"submissions:{name}"))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_shows_the_form_and_the_whole_licence(self, client, contributor, section):
        client.force_login(contributor)
        page = client.get(reverse("submissions:upload")).content.decode()
        for paragraph in LICENCE_PARAGRAPHS:
            assert paragraph.replace("'", "&#x27;") in page
        assert 'accept=".docx,.odt,.pdf,.rtf,.txt' in page
        assert f'<option value="{section.pk}">{section.name}</option>' in page
        assert f'<optgroup label="{section.subject.level.name} \u203a {section.subject.name}">' in page

    def test_a_file_is_saved_privately_then_processed_on_commit(
        self, client, contributor, section, originals, django_capture_on_commit_callbacks
    ):
        client.force_login(contributor)
        data = make_docx("The causes of the First World War", originals[0].paragraphs)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("submissions:upload"), form_data(section, file=uploaded("My Essay.docx", data))
            )
        assert response.status_code == 302 and response["Location"] == reverse("submissions:uploads")
        submission = Submission.objects.get()
        assert submission.status == Submission.Status.IN_REVIEW
        assert submission.original_filename == "My Essay.docx"
        assert (submission.exam_board, submission.year, submission.grade) == ("AQA", 2024, "A*")
        stored = Path(submission.file.path)
        assert stored.read_bytes() == data
        assert Path(settings.REDINK_SUBMISSION_FILES_DIR) in stored.parents
        assert Path(settings.MEDIA_ROOT) not in stored.parents
        # The title line of the document is the title, not the first paragraph.
        assert submission.extracted_text.split("\n\n") == originals[0].paragraphs
        assert submission.word_count == len(originals[0].body.split())
        assert submission.licence_version and submission.declaration
        actions = list(submission.events.order_by("id").values_list("action", "actor"))
        assert actions == [(ModerationEvent.Action.UPLOADED, contributor.pk), (ModerationEvent.Action.QUEUED, None)]

    def test_the_page_enqueues_processing_only_on_commit(self, client, contributor, section, originals):
        client.force_login(contributor)
        client.post(reverse("submissions:upload"), form_data(section, text=originals[0].body))
        # Without the commit (the test transaction never commits), the upload is saved and waits.
        assert Submission.objects.get().status == Submission.Status.UPLOADED

    def test_pasted_text(self, contributor, section, originals):
        submission = upload_text(contributor=contributor, section=section, text=originals[1].body)
        assert submission.status == Submission.Status.IN_REVIEW
        assert submission.source == Submission.Source.PASTE and not submission.file
        assert submission.extracted_text == "\n\n".join(originals[1].paragraphs)

    @pytest.mark.parametrize(
        ("extra", "error"),
        [
            ({}, "Choose a file, or paste your text: one of the two."),
            ({"text": "words " * 300, "file": "both"}, "Choose a file, or paste your text: one of the two."),
            ({"text": "words " * 300, "declaration": ""}, "This field is required."),
            ({"text": "words " * 300, "licence": ""}, "This field is required."),
            ({"text": "words " * 300, "section": "999999"}, "Select a valid choice."),
        ],
    )
    def test_form_errors(self, client, contributor, section, extra, error):
        client.force_login(contributor)
        if extra.get("file") == "both":
            extra["file"] = uploaded("a.txt", b"words " * 300)
        response = client.post(reverse("submissions:upload"), form_data(section, **extra))
        assert response.status_code == 200
        assert error in response.content.decode()
        assert not Submission.objects.exists()


class TestStatuses:
    def test_my_uploads_lists_each_status_and_reason(self, client, contributor, section, originals):
        good = upload_text(contributor=contributor, section=section, text=originals[0].body, title="Good one")
        short = upload_text(contributor=contributor, section=section, text="Too short to publish. " * 10, title="Short")
        someone_else = upload_text(contributor=UserFactory(), section=section, text=originals[1].body, title="Theirs")
        client.force_login(contributor)
        page = client.get(reverse("submissions:uploads")).content.decode()
        assert "Good one" in page and "In review" in page
        assert "Short" in page and "Failed" in page and "The text has 40 words; essays need at least 250." in page
        assert "Theirs" not in page
        statuses = client.get(reverse("submissions:upload-statuses")).json()["uploads"]
        assert {s["id"]: (s["status"], s["final"]) for s in statuses} == {
            good.pk: ("in_review", False),
            short.pk: ("failed", True),
        }
        assert someone_else.pk not in {s["id"] for s in statuses}

    def test_statuses_endpoint_is_not_cached(self, client, contributor):
        client.force_login(contributor)
        response = client.get(reverse("submissions:upload-statuses"))
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    def test_status_moves_through_processing(self, contributor, section, originals):
        from redink.submissions.services.uploads import submission_create

        submission = submission_create(
            contributor=contributor, title="T", section=section, declaration=True, text=originals[0].body
        )
        assert submission.status == Submission.Status.UPLOADED
        from redink.submissions.services.processing import submission_process

        assert submission_process(submission_id=submission.pk).status == Submission.Status.IN_REVIEW
        # Safe to run twice: the second run leaves it alone.
        assert submission_process(submission_id=submission.pk).status == Submission.Status.IN_REVIEW
        assert submission.events.filter(action=ModerationEvent.Action.QUEUED).count() == 1

    def test_uploads_whose_task_was_lost_are_queued_again(self, contributor, section, originals):
        """A worker killed mid-way leaves an upload "processing": the requeue command (cron)
        picks up those that have not moved for a while, and leaves recent ones alone."""
        from io import StringIO

        from django.core.management import call_command

        from redink.submissions.services.uploads import submission_create

        lost = submission_create(
            contributor=contributor, title="Lost", section=section, declaration=True, text=originals[0].body
        )  # created outside any on-commit capture: its task never ran
        recent = submission_create(
            contributor=contributor, title="Recent", section=section, declaration=True, text=originals[1].body
        )
        Submission.objects.filter(pk=lost.pk).update(
            status=Submission.Status.EXTRACTING, updated_at=timezone.now() - timedelta(minutes=30)
        )
        out = StringIO()
        call_command("requeue_submissions", stdout=out)  # tasks run at once in tests

        assert "Queued 1 upload(s) again." in out.getvalue()
        lost.refresh_from_db()
        recent.refresh_from_db()
        assert lost.status == Submission.Status.IN_REVIEW
        assert recent.status == Submission.Status.UPLOADED


class TestPublishing:
    def test_published_contribution_earns_membership_days_and_an_email(
        self, contributor, moderator, section, originals, committed, mailoutbox
    ):
        submission = upload_text(contributor=contributor, section=section, text=originals[0].body, title="Mine")
        essay = committed(submission_approve, submission=submission, moderator=moderator)
        entitlement = Entitlement.objects.get(user=contributor)
        assert entitlement.source == Entitlement.Source.CONTRIBUTION
        assert entitlement.reference == f"essay:{essay.pk}"
        assert abs(entitlement.ends_at - timezone.now() - timedelta(days=30)) < timedelta(minutes=1)
        contributor.refresh_from_db()
        assert reads_everything(contributor)
        (mail,) = mailoutbox
        assert mail.subject == "Your essay “Mine” is published"
        assert essay.get_absolute_url() in mail.body and "30 days of membership" in mail.body
        assert mail.to == [contributor.email]

    def test_days_are_a_setting(self, settings, contributor, moderator, section, originals, committed):
        settings.REDINK_CONTRIBUTION_DAYS = 7
        submission = upload_text(contributor=contributor, section=section, text=originals[0].body)
        committed(submission_approve, submission=submission, moderator=moderator)
        entitlement = Entitlement.objects.get(user=contributor)
        assert abs(entitlement.ends_at - entitlement.starts_at - timedelta(days=7)) < timedelta(seconds=1)


class TestCorrectionsAndWithdrawal:
    @pytest.fixture
    def published(self, contributor, moderator, section, originals, committed):  # type: ignore[no-untyped-def]
        submission = upload_text(contributor=contributor, section=section, text=originals[0].body, title="Mine")
        return committed(submission_approve, submission=submission, moderator=moderator)

    def test_a_corrected_version_replaces_the_text_and_is_not_a_copy_of_itself(
        self, client, published, contributor, moderator, originals, committed, django_capture_on_commit_callbacks
    ):
        corrected = [*originals[0].paragraphs[:-1], "A rewritten conclusion, with the mistakes put right."]
        client.force_login(contributor)
        page = client.get(reverse("submissions:correct", args=[published.slug]))
        assert page.status_code == 200 and "Upload a corrected version" in page.content.decode()
        data = make_docx("Mine", corrected)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("submissions:correct", args=[published.slug]),
                form_data(published.section, title="Mine", file=uploaded("fixed.docx", data)),
            )
        correction = Submission.objects.get(replaces=published)
        assert correction.status == Submission.Status.IN_REVIEW  # not refused as a copy of itself
        assert not correction.matches.filter(essay=published).exists()
        version = published.text_version
        committed(submission_approve, submission=correction, moderator=moderator)
        published.refresh_from_db()
        assert published.text_version == version + 1
        assert published.paragraphs == corrected
        assert published.status == Essay.Status.PUBLISHED
        assert Entitlement.objects.filter(user=contributor).count() == 1  # no second reward
        assert TextSignature.objects.get(essay=published).text_version == version + 1
        assert correction.events.filter(action=ModerationEvent.Action.REPLACED, actor=moderator).exists()

    def test_only_the_author_corrects_or_withdraws(self, client, published):
        client.force_login(UserFactory())
        assert client.get(reverse("submissions:correct", args=[published.slug])).status_code == 404
        assert client.post(reverse("submissions:withdraw", args=[published.slug])).status_code == 404
        published.refresh_from_db()
        assert published.status == Essay.Status.PUBLISHED

    def test_withdrawing_takes_the_essay_out(self, client, published, contributor, django_capture_on_commit_callbacks):
        word = next(w for w in published.body.split() if len(w) >= 9 and w.isalpha())
        assert published.get_absolute_url() in client.get(f"/search/?q={word}").content.decode()
        client.force_login(contributor)
        confirm = client.get(reverse("submissions:withdraw", args=[published.slug]))
        assert confirm.status_code == 200 and "Withdraw your essay?" in confirm.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("submissions:withdraw", args=[published.slug]))
        assert response.status_code == 302
        published.refresh_from_db()
        assert published.status == Essay.Status.WITHDRAWN
        assert client.get(published.get_absolute_url()).status_code == 410
        assert not TextSignature.objects.filter(essay=published).exists()
        assert Submission.objects.get(essay=published).status == Submission.Status.WITHDRAWN
        event = ModerationEvent.objects.get(action=ModerationEvent.Action.WITHDRAWN_BY_AUTHOR)
        assert event.actor == contributor and event.essay == published
        assert published.title not in client.get(published.section.get_absolute_url()).content.decode()
        assert published.get_absolute_url() not in client.get(f"/search/?q={word}").content.decode()
        assert published.get_absolute_url() not in client.get("/sitemap.xml").content.decode()

    def test_a_withdrawn_text_may_be_uploaded_again(
        self, client, published, contributor, section, originals, committed
    ):
        from redink.submissions.services.moderation import essay_withdraw_by_author

        committed(essay_withdraw_by_author, essay=published, user=contributor)
        again = upload_text(contributor=contributor, section=section, text=originals[0].body)
        assert again.status == Submission.Status.IN_REVIEW

    def test_uploading_your_own_published_text_again_points_to_corrections(
        self, published, contributor, section, originals
    ):
        again = upload_text(contributor=contributor, section=section, text=originals[0].body)
        assert again.status == Submission.Status.REJECTED
        assert "It repeats your essay “Mine”" in again.reason and "Upload a corrected version" in again.reason


def test_anonymous_essay_pages_stay_cacheable_with_the_report_link(client, essay):
    response = client.get(essay.get_absolute_url())
    assert "public" in response["Cache-Control"] and "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert reverse("submissions:report", args=[essay.slug]) in response.content.decode()
    assert "My uploads" not in response.content.decode()


def test_the_header_links_to_uploads_and_moderation_for_those_logged_in(client, contributor, moderator, essay):
    client.force_login(contributor)
    page = client.get("/").content.decode()
    assert reverse("submissions:uploads") in page and reverse("submissions:queue") not in page
    client.force_login(moderator)
    assert reverse("submissions:queue") in client.get("/").content.decode()
