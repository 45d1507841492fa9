"""Bad files through the whole upload path: never a crash, never lost. Each fails with its own message
to the contributor, and the file stays, for the moderators to download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redink.submissions.models import Submission
from redink.submissions.testing.documents import make_docx, make_pdf, make_scanned_pdf, make_zip_bomb

from .helpers import upload_file

pytestmark = pytest.mark.django_db


def words(n: int) -> list[str]:
    sentence = "This sentence has exactly eight words in it."
    return [" ".join([sentence] * (n // 8))]


CASES = {
    "corrupt": (lambda: make_docx("T", words(400))[:3000], "essay.docx", {}, "damaged or incomplete"),
    "encrypted": (lambda: make_pdf("T", words(400), password="pw"), "essay.pdf", {}, "protected by a password"),
    "scanned": (make_scanned_pdf, "scan.pdf", {}, "only pictures of pages"),
    "zip_bomb": (
        lambda: make_zip_bomb(base=make_docx("T", words(400)), member_bytes=8 * 2**20),
        "essay.docx",
        {"REDINK_ZIP_MAX_UNCOMPRESSED_BYTES": 2**20},
        "unpacks to far more than any essay needs",
    ),
    "wrong_type": (lambda: make_pdf("T", words(400)), "essay.odt", {}, "but its contents are a PDF file"),
    "too_big": (
        lambda: make_docx("T", words(400)),
        "essay.docx",
        {"REDINK_UPLOAD_MAX_BYTES": 10_000},
        "over the 10 KB limit",
    ),
    "too_short": (
        lambda: make_docx("T", words(120)),
        "essay.docx",
        {},
        "The text has 120 words; essays need at least 250.",
    ),
    "too_long": (
        lambda: make_docx("T", words(800)),
        "essay.docx",
        {"REDINK_ESSAY_MAX_WORDS": 500},
        "The text has 800 words, over the limit of 500.",
    ),
    "binary": (lambda: bytes(range(256)) * 64, "essay.txt", {}, "does not contain readable text"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_fails_with_its_message_and_is_kept(case, settings, client, contributor, moderator, section):
    make, filename, overrides, message = CASES[case]
    for name, value in overrides.items():
        setattr(settings, name, value)
    data = make()
    submission = upload_file(contributor=contributor, section=section, filename=filename, data=data, title="T")
    assert submission.status == Submission.Status.FAILED
    assert submission.failure_code == case
    assert message in submission.failure_message
    client.force_login(contributor)
    row = next(
        u for u in client.get(reverse("submissions:upload-statuses")).json()["uploads"] if u["id"] == submission.pk
    )
    assert row["status"] == "failed" and message in row["reason"]
    client.force_login(moderator)
    download = client.get(reverse("submissions:download", args=[submission.pk]))
    assert b"".join(download.streaming_content) == data
