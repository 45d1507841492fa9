""" "Check my essay" and the upload check see every published essay, however it reached the library:
the demo, the admin, the corpus generator, import_essays and moderation; and an essay's signature
follows its text when the text changes, and leaves with the essay."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_save_text, essay_withdraw
from redink.demo.library import demo_essays
from redink.submissions.models import Submission, TextSignature
from redink.submissions.originality.essays import essays_sign
from redink.submissions.originality.report import draft_report
from redink.submissions.services.moderation import submission_approve
from redink.testing.factories import UserFactory, make_essay

from .conftest import uploaded
from .helpers import upload_document

pytestmark = pytest.mark.django_db


def overlapping_titles(text: str) -> list[str]:
    return [essay.title for essay in draft_report(text=text).essays]


def a_paragraph_of(essay: Essay) -> str:
    """One of the essay's longer paragraphs, as a student would paste it into their draft."""
    return max(essay.body.split("\n\n"), key=len)


def draft_around(borrowed: str, originals) -> str:  # type: ignore[no-untyped-def]
    own = originals[9].paragraphs
    return "\n\n".join([own[0], borrowed, own[1]])


def test_a_paragraph_of_a_demo_essay_is_found(client, originals):
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", "--essays-only")
    essay = Essay.objects.published().order_by("slug").first()
    assert essay is not None
    assert overlapping_titles(draft_around(a_paragraph_of(essay), originals)) == [essay.title]
    client.force_login(UserFactory())
    page = client.post(reverse("submissions:check"), {"text": draft_around(a_paragraph_of(essay), originals)})
    assert essay.title in page.content.decode()
    assert "no passage of your draft overlaps" not in page.content.decode()


def test_a_whole_demo_essay_uploaded_as_text_is_refused_as_a_copy(client, section, django_capture_on_commit_callbacks):
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("load_demo", "--essays-only")
    demo = demo_essays()[0]
    client.force_login(UserFactory())
    data = (demo.headers["title"] + "\n\n" + demo.text).encode()
    form = {
        "section": section.pk,
        "title": demo.headers["title"],
        "exam_board": "",
        "year": "",
        "grade": "",
        "declaration": "on",
        "licence": "on",
        "file": uploaded("my-essay.txt", data),
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:upload"), form)
    submission = Submission.objects.get()
    assert (submission.status, submission.rejection_reason) == (
        Submission.Status.REJECTED,
        Submission.RejectionReason.COPY,
    )
    assert demo.headers["title"] in submission.rejection_note


def test_back_filling_signs_essays_made_before_signing_and_loading_the_demo_does_it(originals, section):
    essay = make_essay(title="Written straight into the database", text=originals[0].body, section=section)
    TextSignature.objects.all().delete()  # as a database from before every path signed its essays
    assert overlapping_titles(draft_around(a_paragraph_of(essay), originals)) == []
    call_command("load_demo", "--essays-only")
    assert overlapping_titles(draft_around(a_paragraph_of(essay), originals)) == [essay.title]
    assert essays_sign().signed == 0  # nothing left to do


def test_an_essay_created_and_edited_in_the_admin_is_checked_against_its_current_text(
    client, originals, section, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    form = {
        "title": "An essay typed into the admin",
        "slug": "an-essay-typed-into-the-admin",
        "author": "",
        "section": section.pk,
        "status": Essay.Status.PUBLISHED,
        "published_at_0": "2026-01-05",
        "published_at_1": "09:00:00",
        "body": originals[1].body,
        "preview_style": "",
        "exam_board": "",
        "year": "",
        "grade": "",
        "reading_count": 0,
        # The essay's earlier texts, listed read-only below it.
        "revisions-TOTAL_FORMS": 0,
        "revisions-INITIAL_FORMS": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:catalogue_essay_add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    essay = Essay.objects.get(slug="an-essay-typed-into-the-admin")
    first_text = a_paragraph_of(essay)
    assert overlapping_titles(draft_around(first_text, originals)) == [essay.title]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalogue_essay_change", args=[essay.pk]), {**form, "body": originals[2].body}
        )
    assert response.status_code == 302
    assert overlapping_titles(draft_around(first_text, originals)) == []  # the old text is gone
    essay.refresh_from_db()
    assert overlapping_titles(draft_around(a_paragraph_of(essay), originals)) == [essay.title]
    assert admin_site.is_registered(Essay)


def test_a_new_text_replaces_the_signature_and_withdrawing_removes_it(originals, section, committed):
    essay = make_essay(title="An essay corrected later", text=originals[3].body, section=section)
    old = draft_around(a_paragraph_of(essay), originals)
    assert overlapping_titles(old) == [essay.title]
    committed(essay_save_text, essay=essay, text=originals[4].body)
    assert overlapping_titles(old) == []
    new = draft_around(a_paragraph_of(essay), originals)
    assert overlapping_titles(new) == [essay.title]
    committed(essay_withdraw, essay=essay)
    assert overlapping_titles(new) == []
    assert not TextSignature.objects.filter(essay=essay).exists()


def test_a_generated_corpus_is_checked(drafts):
    call_command("generate_corpus", "--essays", "40", "--seed", "11", "--quiet")
    essay = Essay.objects.published().order_by("pk")[7]
    assert TextSignature.objects.filter(essay__isnull=False).count() == 40
    assert essay.title in overlapping_titles(a_paragraph_of(essay) + "\n\n" + drafts[0].paragraphs[0])


def test_imported_and_moderated_essays_are_checked(tmp_path, originals, section, committed, contributor):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "imported.txt").write_text("An imported essay\n\n" + originals[5].body)
    call_command(
        "import_essays",
        str(folder),
        "--level",
        section.subject.level.name,
        "--subject",
        section.subject.name,
        "--section",
        section.name,
        "--quiet",
    )
    imported = Essay.objects.get(title="An imported essay")
    assert overlapping_titles(draft_around(a_paragraph_of(imported), originals)) == [imported.title]

    queued = upload_document(contributor=contributor, section=section, paragraphs=originals[6].paragraphs, title="Mod")
    approved = committed(submission_approve, submission=queued, moderator=UserFactory(is_staff=True))
    assert overlapping_titles(draft_around(a_paragraph_of(approved), originals)) == [approved.title]
