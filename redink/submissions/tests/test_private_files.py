"""Uploaded files are private: kept outside everything the web server publishes, sent only to
the moderators and the upload's own author, always as a download of the type the file was
found to be (never the type the uploader's browser claimed, never shown as a page), and never
stored under a name the uploader chose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

import redink.settings as configured
from redink.submissions.services.uploads import submission_create
from redink.submissions.storage import download_name, submission_storage
from redink.submissions.testing.documents import make_docx
from redink.testing.factories import UserFactory

from .helpers import upload_file

pytestmark = pytest.mark.django_db

HOSTILE_PAGE = b"<!doctype html><html><body><script>document.cookie</script><p>Not an essay.</p></body></html>"
PARAGRAPHS = ["The Treaty of Versailles punished Germany, and the peace it made did not last."] * 12


def download(client, submission):  # type: ignore[no-untyped-def]
    return client.get(reverse("submissions:download", args=[submission.pk]))


def test_the_private_folder_is_outside_what_the_web_server_publishes():
    private = Path(configured.REDINK_SUBMISSION_FILES_DIR).resolve()
    for public in (Path(configured.MEDIA_ROOT).resolve(), Path(configured.STATIC_ROOT).resolve()):
        assert public != private and public not in private.parents and private not in public.parents


def test_an_upload_is_kept_in_the_private_folder_with_no_public_address(contributor, section, settings):
    upload = upload_file(contributor=contributor, section=section, filename="essay.html", data=HOSTILE_PAGE)
    stored = Path(upload.file.path).resolve()
    assert stored.read_bytes() == HOSTILE_PAGE
    assert Path(settings.REDINK_SUBMISSION_FILES_DIR).resolve() in stored.parents
    with pytest.raises(ValueError, match="no public address"):
        upload.file.url  # noqa: B018


def test_an_uploaded_page_goes_out_as_a_download_never_as_a_page(client, contributor, section, moderator):
    upload = upload_file(contributor=contributor, section=section, filename="essay.html", data=HOSTILE_PAGE)
    client.force_login(moderator)
    response = download(client, upload)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HOSTILE_PAGE
    assert response["Content-Type"].startswith("text/html")
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and 'filename="essay.html"' in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_type_sent_is_what_the_file_is_not_what_the_browser_said(client, contributor, section, moderator):
    # A page named .pdf, and announced as one by the browser: it is refused, kept, and sent as what it is.
    disguised = SimpleUploadedFile("essay.pdf", HOSTILE_PAGE, content_type="application/pdf")
    with TestCase.captureOnCommitCallbacks(execute=True):
        lying = submission_create(
            contributor=contributor, title="Disguised", section=section, declaration=True, file=disguised
        )
    docx = upload_file(
        contributor=contributor, section=section, filename="essay.docx", data=make_docx("An essay", PARAGRAPHS)
    )
    client.force_login(moderator)
    lying_response = download(client, lying)
    assert lying_response["Content-Type"].startswith("text/html")
    assert lying_response["Content-Disposition"].startswith("attachment;")
    assert download(client, docx)["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_only_the_moderators_and_the_author_get_the_file(client, contributor, section, moderator, student, teacher):
    upload = upload_file(contributor=contributor, section=section, filename="essay.html", data=HOSTILE_PAGE)
    visitor = download(client, upload)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    for stranger in (student, teacher, UserFactory(display_name="Another Contributor")):
        client.force_login(stranger)
        assert download(client, upload).status_code == 404
    for allowed in (contributor, moderator):
        client.force_login(allowed)
        response = download(client, upload)
        assert response.status_code == 200 and b"".join(response.streaming_content) == HOSTILE_PAGE
    assert client.get(reverse("submissions:download", args=[987654])).status_code == 404


def test_a_name_that_is_a_path_is_never_used_as_one(client, contributor, section, moderator, settings):
    crafted = SimpleUploadedFile("placeholder.txt", HOSTILE_PAGE)
    # The upload parser already strips folders from a browser's file name; a file reaching the
    # service by another way may not have had that done.
    crafted._name = "../../etc/passwd\r\nSet-Cookie: stolen=1.html"  # type: ignore[attr-defined]
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload = submission_create(
            contributor=contributor, title="Crafted", section=section, declaration=True, file=crafted
        )

    root = Path(settings.REDINK_SUBMISSION_FILES_DIR).resolve()
    stored = Path(upload.file.path).resolve()
    assert root in stored.parents and stored.read_bytes() == HOSTILE_PAGE
    assert "passwd" not in upload.file.name and ".." not in upload.file.name and "\n" not in upload.file.name
    client.force_login(moderator)
    disposition = download(client, upload)["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("filename", 1)[1]
    assert "passwdSet-Cookie" in disposition  # the name, flattened, so the moderator still recognises it


@pytest.mark.parametrize(
    ("given", "stored_like"),
    [
        ("../../etc/passwd", r"^2026/01/[0-9a-f]{32}\.bin$"),
        ("evil\x00.html", r"^2026/01/[0-9a-f]{32}\.html$"),
        ("line\nbreak.txt", r"^2026/01/[0-9a-f]{32}\.txt$"),
        ("staff-card.pdf", r"^2026/01/staff-card\.pdf$"),
    ],
)
def test_the_storage_makes_its_own_names(given, stored_like):
    name = submission_storage().generate_filename(f"2026/01/{given}")
    assert re.match(stored_like, name), name
    assert submission_storage().generate_filename("../../../x.pdf") == "x.pdf"
    assert re.match(r"^[0-9a-f]{32}\.bin$", submission_storage().generate_filename("/etc/cron.d/job"))


@pytest.mark.parametrize(
    ("given", "offered"),
    [
        ("C:\\Users\\ann\\essay.docx", "essay.docx"),
        ('a "quoted"\x00\r\nname.pdf', "a quotedname.pdf"),
        ("", "upload"),
        ("..", "upload"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_download_names_are_flattened(given, offered):
    assert download_name(given) == offered


def test_the_author_finds_their_file_on_my_uploads_and_no_one_else_sees_the_link(client, contributor, section, student):
    upload = upload_file(contributor=contributor, section=section, filename="my essay.html", data=HOSTILE_PAGE)
    link = reverse("submissions:download", args=[upload.pk])
    client.force_login(contributor)
    page = client.get(reverse("submissions:uploads")).content.decode()
    assert f'href="{link}" download>Your file, <bdi>my essay.html</bdi></a>' in page
    assert b"".join(client.get(link).streaming_content) == HOSTILE_PAGE
    client.force_login(student)
    assert link not in client.get(reverse("submissions:uploads")).content.decode()
