"""Nobody reaches another user's uploads, upload statuses, originality reports, data export or
API tokens: not by changing a number or a slug in an address, not by naming the other user's
object in a field of their own form, and not through the API. Each refusal is checked in the
database too: the other user's object is exactly as it was.

Margin comments, reviews and the comment bank: test_object_access_marking.py. The reading list
and its notes, on the site and through the API: test_object_access_reading.py. Billing:
redink/billing/tests/test_object_access_billing.py."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from redink.api.models import ApiToken
from redink.api.tests.helpers import bearer
from redink.api.tokens import token_create
from redink.catalogue.models import Essay
from redink.corpus.plan import build_plan
from redink.corpus.text import write_essay
from redink.privacy.models import DataExport
from redink.submissions.models import Submission
from redink.submissions.services.uploads import submission_create
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

PRIVATE_TITLE = "An upload only its author may follow zqprivate"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-files"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Original essays of 1,000 words and more, none a copy of another."""
    plan = build_plan(seed=11, essays=4)
    return ["\n\n".join(write_essay(corpus=plan, index=i).paragraphs) for i in range(len(plan))]


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Owner Of The Upload")


@pytest.fixture
def intruder(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Someone Else")


@pytest.fixture
def upload(owner, section, texts):  # type: ignore[no-untyped-def]
    """The owner's pasted essay, processed and waiting for a moderator."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        made = submission_create(
            contributor=owner, title=PRIVATE_TITLE, section=section, declaration=True, text=texts[0]
        )
    made.refresh_from_db()
    assert made.status == Submission.Status.IN_REVIEW
    return made


def _upload_state(submission: Submission) -> tuple[object, ...]:
    submission.refresh_from_db()
    return (submission.contributor_id, submission.status, submission.title, submission.essay_id)


class TestUploads:
    def test_the_uploads_page_its_statuses_and_the_api_list_only_the_callers_own(self, client, upload, intruder):
        client.force_login(intruder)
        page = client.get("/contribute/uploads/")
        statuses = client.get("/contribute/uploads/status/")
        api = client.get("/api/v1/me/uploads/", **bearer(intruder))
        for response in (page, statuses, api):
            assert response.status_code == 200
            assert PRIVATE_TITLE not in response.content.decode()
        assert json.loads(statuses.content)["uploads"] == []
        assert json.loads(api.content) == []
        client.force_login(upload.contributor)
        assert [row["id"] for row in json.loads(client.get("/contribute/uploads/status/").content)["uploads"]] == [
            upload.pk
        ]

    def test_an_upload_waiting_for_review_is_found_by_nobody_else(self, client, upload, intruder, member):
        words = upload.extracted_text.split()[40:46]
        for who in (intruder, member):
            client.force_login(who)
            for path in (
                f"/search/?q={'+'.join(words)}",
                "/search/?q=zqprivate",
                f"/api/v1/search/?q={'+'.join(words)}",
                f"/authors/{upload.contributor.display_name}/",
            ):
                response = client.get(path)
                assert response.status_code in (200, 404), path
                assert PRIVATE_TITLE not in response.content.decode(), path

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/moderation/uploads/{id}/"),
            ("post", "/moderation/uploads/{id}/approve/"),
            ("post", "/moderation/uploads/{id}/reject/"),
        ],
    )
    def test_nobody_but_a_moderator_opens_or_decides_an_upload_by_its_number(
        self, client, upload, intruder, member, teacher, method, path
    ):
        before = _upload_state(upload)
        for who in (intruder, member, teacher, upload.contributor):
            client.force_login(who)
            response = getattr(client, method)(path.format(id=upload.pk), {"reason": "not_own_work"})
            assert response.status_code == 403, who
            assert PRIVATE_TITLE not in response.content.decode()
        assert _upload_state(upload) == before

    def test_another_users_uploaded_file_is_never_sent(self, client, owner, intruder, member, teacher, section, texts):
        data = texts[3].encode()
        with TestCase.captureOnCommitCallbacks(execute=True):
            made = submission_create(
                contributor=owner,
                title=PRIVATE_TITLE,
                section=section,
                declaration=True,
                file=SimpleUploadedFile("my-essay.txt", data, content_type="text/plain"),
            )
        for who in (intruder, member, teacher):
            client.force_login(who)
            response = client.get(f"/moderation/uploads/{made.pk}/file/")
            assert response.status_code in (403, 404), who
            assert data[:200] not in b"".join(getattr(response, "streaming_content", [response.content]))
        assert _upload_state(made)[0] == owner.pk

    @pytest.mark.parametrize("action", ["withdraw", "correct"])
    def test_another_contributors_essay_can_be_neither_withdrawn_nor_corrected(
        self, client, owner, intruder, section, texts, action
    ):
        essay = make_essay(section=section, author=owner, title="The owner's published essay")
        client.force_login(intruder)
        url = f"/contribute/essays/{essay.slug}/{action}/"
        assert client.get(url).status_code == 404
        form = {"title": "Hijacked", "section": section.pk, "text": texts[1], "declaration": "on", "licence": "on"}
        assert client.post(url, form).status_code == 404
        essay.refresh_from_db()
        assert (essay.status, essay.title, essay.author_id) == (
            Essay.Status.PUBLISHED,
            "The owner's published essay",
            owner.pk,
        )
        assert not Submission.objects.exists()

    def test_an_essay_named_in_the_upload_form_is_not_replaced(self, client, owner, intruder, section, texts):
        essay = make_essay(section=section, author=owner, title="The owner's published essay")
        before = (essay.body, essay.text_version, essay.status)
        client.force_login(intruder)
        form = {
            "title": "My own essay",
            "section": section.pk,
            "text": texts[1],
            "declaration": "on",
            "licence": "on",
            "replaces": essay.pk,
            "contributor": owner.pk,
        }
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post("/contribute/", form).status_code == 302
        made = Submission.objects.get()
        assert (made.contributor_id, made.replaces_id) == (intruder.pk, None)
        essay.refresh_from_db()
        assert (essay.body, essay.text_version, essay.status) == before


class TestOriginality:
    def test_the_overlap_report_of_an_upload_is_for_moderators_only(self, client, upload, intruder, section, texts):
        published = make_essay(section=section, title="A published essay", text=texts[2])
        with TestCase.captureOnCommitCallbacks(execute=True):
            copy = submission_create(
                contributor=upload.contributor,
                title="Mostly someone's essay",
                section=section,
                declaration=True,
                text=texts[2],
            )
        match = copy.matches.filter(essay=published).first()
        assert match is not None
        client.force_login(intruder)
        response = client.get(f"/moderation/uploads/{copy.pk}/compare/{match.pk}/")
        assert response.status_code == 403

    def test_a_drafts_check_never_reports_another_users_upload_waiting_for_review(self, client, upload, intruder):
        client.force_login(intruder)
        # The same text as the owner's upload: what it overlaps in the review queue stays unsaid.
        text = upload.extracted_text
        response = client.post("/check/", {"text": text})
        assert response.status_code == 200
        body = response.content.decode()
        assert PRIVATE_TITLE not in body
        assert "Owner Of The Upload" not in body
        assert _upload_state(upload)[1] == Submission.Status.IN_REVIEW


class TestDataExport:
    @pytest.fixture
    def export(self, client, owner):  # type: ignore[no-untyped-def]
        client.force_login(owner)
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post("/privacy/export/")
        client.logout()
        made = DataExport.objects.get(user=owner)
        assert made.status == DataExport.Status.READY
        return made

    def test_another_users_download_link_answers_as_one_that_never_existed(self, client, export, owner, intruder):
        client.force_login(intruder)
        response = client.get(f"/privacy/export/{export.token}/")
        assert response.status_code == 404
        assert response.get("Content-Type", "").startswith("text/html")
        assert client.get(f"/privacy/export/{'x' * len(export.token)}/").status_code == 404
        export.refresh_from_db()
        assert (export.status, export.user_id, export.is_expired()) == (DataExport.Status.READY, owner.pk, False)
        assert export.token not in client.get("/accounts/").content.decode()

    def test_the_link_is_not_a_number_anyone_could_count_to(self, export):
        assert not export.token.isdigit() and len(export.token) >= 40
        assert str(export.pk) != export.token

    def test_asking_for_an_export_makes_only_the_askers_own(self, client, export, intruder):
        client.force_login(intruder)
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post("/privacy/export/", {"user": export.user_id})
        assert DataExport.objects.filter(user=intruder).count() == 1
        assert DataExport.objects.filter(user=export.user_id).count() == 1


class TestApiTokens:
    @pytest.fixture
    def token(self, owner):  # type: ignore[no-untyped-def]
        return token_create(user=owner, name="Owner's revision app zqtoken", scope=ApiToken.Scope.READ)

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_another_users_token_cannot_be_revoked_by_its_number(self, client, token, intruder, method):
        client.force_login(intruder)
        response = getattr(client, method)(f"/accounts/tokens/{token.record.pk}/revoke/")
        assert response.status_code == 404
        assert "zqtoken" not in response.content.decode()
        token.record.refresh_from_db()
        assert token.record.revoked_at is None
        still = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {token.token}")
        assert still.status_code == 200 and json.loads(still.content)["name"] == "Owner Of The Upload"

    def test_the_token_page_lists_only_the_users_own(self, client, token, intruder):
        client.force_login(intruder)
        assert "zqtoken" not in client.get("/accounts/tokens/").content.decode()

    def test_a_token_made_on_the_form_is_the_senders_whatever_the_form_says(self, client, owner, intruder):
        client.force_login(intruder)
        client.post("/accounts/tokens/", {"name": "Mine", "scope": "read", "days": "30", "user": owner.pk})
        assert list(ApiToken.objects.values_list("user_id", flat=True)) == [intruder.pk]

    def test_a_moderators_token_opens_no_upload_of_anyone(self, client, upload, staff):
        before = _upload_state(upload)
        headers = bearer(staff)
        assert json.loads(client.get("/api/v1/me/uploads/", **headers).content) == []
        # The moderation pages are the site's, by session: a token is no way in.
        response = client.get(f"/moderation/uploads/{upload.pk}/", **headers)
        assert response.status_code == 302
        assert _upload_state(upload) == before
