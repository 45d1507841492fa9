"""What the upload form can judge before anything is stored, it refuses at once, in the words the
background step uses: a file of a type we do not take, an empty file, pasted text too short or too
long. What only extraction can tell still fails in the background (test_bad_uploads.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from redink.submissions.extract import messages
from redink.submissions.models import Submission
from redink.submissions.testing.documents import make_docx
from redink.testing.factories import make_essay

from .conftest import uploaded
from .test_uploads import form_data

pytestmark = pytest.mark.django_db


def words(n: int) -> str:
    return " ".join(f"word{k}" for k in range(n))


def post(client, section, **extra):  # type: ignore[no-untyped-def]
    response = client.post(reverse("submissions:upload"), form_data(section, **extra))
    assert response.status_code == 200, "the form comes back with the message"
    assert not Submission.objects.exists(), "nothing is stored"
    return response.content.decode()


@pytest.mark.parametrize(
    ("filename", "extension"),
    [("essay.pages", "pages"), ("Essay.DOC", "doc"), ("essay", ""), ("notes.docx.exe", "exe")],
)
def test_a_file_of_a_type_we_do_not_take_is_refused_at_once(client, contributor, section, filename, extension):
    client.force_login(contributor)
    page = post(client, section, file=uploaded(filename, b"Some words of an essay in a file we cannot read."))
    assert escape(messages.unsupported(extension=extension).message) in page
    assert 'value="The causes of the First World War"' in page, "what was typed is kept"


def test_an_empty_file_is_refused_at_once(client, contributor, section):
    client.force_login(contributor)
    page = post(client, section, file=uploaded("essay.docx", b""))
    assert escape(messages.empty().message) in page


def test_pasted_text_under_the_minimum_is_refused_at_once(client, contributor, section, settings):
    client.force_login(contributor)
    page = post(client, section, text=words(120))
    minimum = settings.REDINK_ESSAY_MIN_WORDS
    assert escape(messages.too_short(words=120, minimum=minimum).message) in page


def test_words_are_counted_as_the_background_step_counts_them(client, contributor, section, settings):
    """A pasted title line is the title, not part of the essay: 5 + 248 words is 248."""
    client.force_login(contributor)
    title = "The causes of the First World War"
    page = post(client, section, title=title, text=f"{title}\n\n{words(settings.REDINK_ESSAY_MIN_WORDS - 2)}")
    assert escape(messages.too_short(words=248, minimum=250).message) in page


def test_pasted_text_over_the_maximum_is_refused_at_once(client, contributor, section, settings):
    settings.REDINK_ESSAY_MAX_WORDS = 500
    client.force_login(contributor)
    page = post(client, section, text=words(800))
    assert escape(messages.too_long(words=800, maximum=500).message) in page


def test_a_corrected_version_is_refused_at_once_too(client, contributor, section):
    essay = make_essay(title="Mine", section=section, author=contributor)
    client.force_login(contributor)
    response = client.post(reverse("submissions:correct", args=[essay.slug]), form_data(section, text=words(40)))
    assert escape(messages.too_short(words=40, minimum=250).message) in response.content.decode()
    assert not Submission.objects.exists()


def test_enough_words_and_a_file_we_take_still_go_to_the_background(
    client, contributor, section, originals, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:upload"), form_data(section, text=originals[0].body))
        data = make_docx("T", [words(100)])  # too short, which only extraction can tell
        client.post(
            reverse("submissions:upload"), form_data(section, title="Short file", file=uploaded("e.docx", data))
        )
    statuses = dict(Submission.objects.values_list("title", "status"))
    assert statuses == {"The causes of the First World War": "in_review", "Short file": "failed"}


def test_the_page_gives_the_browser_check_what_it_needs(client, contributor, settings):
    """The script reads the limit and the words from the page: nothing is written twice."""
    settings.REDINK_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(contributor)
    page = client.get(reverse("submissions:upload")).content.decode()
    tag = re.search(r'<input type="file"[^>]*>', page)
    assert tag is not None
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))
    assert attributes["data-max-bytes"] == str(2 * 1024 * 1024)
    assert attributes["data-too-big"] == escape(messages.too_big_words(size="{size}", limit="2.0 MB"))
    assert attributes["data-unsupported"] == escape(messages.unsupported(extension="{extension}").message)
    assert attributes["data-no-extension"] == escape(messages.unsupported(extension="").message)
    assert re.search(r'<script src="/static/js/upload\.[\w.]*js" defer>', page)
    assert "up to 2.0 MB" in page


def test_the_check_refuses_a_too_short_draft_at_once(client, student):
    client.force_login(student)
    response = client.post(reverse("submissions:check"), {"text": words(12)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Paste at least 30 words of your draft (this has 12)." in page
    assert "Originality report" not in page
