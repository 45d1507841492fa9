"""Uploads are limited per contributor, and a file over the size limit is refused while it
arrives: 413 with the form's own message, and nothing of it stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from redink.submissions.models import Submission
from redink.submissions.testing.documents import make_docx

from .conftest import uploaded
from .test_uploads import form_data

pytestmark = pytest.mark.django_db


def paste(client: Client, section, n: int):  # type: ignore[no-untyped-def]
    text = " ".join(f"Pasted sentence {n}-{k} of an essay about the causes of conflict." for k in range(40))
    return client.post(reverse("submissions:upload"), form_data(section, title=f"Essay {n}", text=text))


class TestUploadsPerUser:
    def test_past_the_hourly_limit_an_upload_is_refused_with_a_clear_message(
        self, client, contributor, section, settings
    ):
        settings.REDINK_UPLOADS_PER_HOUR = 3
        client.force_login(contributor)
        for n in range(3):
            assert paste(client, section, n).status_code == 302
        refused = paste(client, section, 3)
        assert refused.status_code == 429
        page = refused.content.decode()
        assert "You have reached the limit of 3 uploads an hour. You can upload again in" in page
        assert 'value="Essay 3"' in page, "what was typed is still in the form"
        assert Submission.objects.count() == 3
        # The upload page says so before the form is filled in, too.
        assert "You can upload again in" in client.get(reverse("submissions:upload")).content.decode()

    def test_the_daily_limit_counts_across_hours(self, client, contributor, section, settings):
        settings.REDINK_UPLOADS_PER_DAY = 2
        client.force_login(contributor)
        assert paste(client, section, 0).status_code == 302
        assert paste(client, section, 1).status_code == 302
        assert paste(client, section, 2).status_code == 429

    def test_limits_are_per_user_and_staff_are_exempt(self, client, contributor, staff, section, settings):
        settings.REDINK_UPLOADS_PER_HOUR = 1
        client.force_login(contributor)
        assert paste(client, section, 0).status_code == 302
        assert paste(client, section, 1).status_code == 429
        other = Client()
        other.force_login(staff)
        for n in range(3):
            assert paste(other, section, 10 + n).status_code == 302


class TestOversizeFiles:
    def test_a_file_over_the_limit_gets_413_and_the_forms_message_and_nothing_is_stored(
        self, client, contributor, section, settings
    ):
        settings.REDINK_UPLOAD_MAX_BYTES = 50_000
        with tempfile.TemporaryDirectory() as spool:
            settings.FILE_UPLOAD_TEMP_DIR = spool
            settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000  # so the part received goes to a file on disk
            client.force_login(contributor)
            big = make_docx("Big", ["A paragraph of the essay."] * 20) + b"\0" * 200_000
            response = client.post(
                reverse("submissions:upload"), form_data(section, file=uploaded("huge essay.docx", big))
            )
            assert response.status_code == 413
            page = response.content.decode()
            assert "“huge essay.docx” is over the 49 KB limit" in page
            assert "kept nothing of it" in page
            assert 'value="The causes of the First World War"' in page, "the other fields were still read"
            assert not list(Path(spool).iterdir()), "the part of the file that arrived was deleted"
        assert Submission.objects.count() == 0

    def test_a_file_under_the_limit_still_uploads(self, client, contributor, section, originals, settings):
        client.force_login(contributor)
        data = make_docx("The causes of the First World War", originals[0].paragraphs)
        settings.REDINK_UPLOAD_MAX_BYTES = len(data) + 1
        response = client.post(reverse("submissions:upload"), form_data(section, file=uploaded("ok.docx", data)))
        assert response.status_code == 302
        assert Submission.objects.get().file_size == len(data)
