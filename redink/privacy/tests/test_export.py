"""Export my data: the archive holds everything Redink keeps about the user (every model that
points at a user is declared, which a walk over the models checks), and nothing of anyone else's;
it is built in the background, e-mailed as a link that only its owner can use, and the link
expires, checked when it is used."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.db import models
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from redink.access.models import Entitlement
from redink.accounts.models import PreviousDisplayName
from redink.billing.models import BillingCustomer, Plan, Subscription
from redink.catalogue.models import Essay
from redink.marking.models import BankComment, MarginComment, Review, TeacherApplication
from redink.privacy.export import SECTIONS, USER_DATA, export_archive_build, user_data
from redink.privacy.models import DataExport
from redink.privacy.services import terms_accept
from redink.privacy.services_export import EXPORTS_PER_DAY
from redink.reading.models import ReadingHistoryEntry, SavedEssay
from redink.submissions.models import ModerationEvent, Submission
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

SERVED_ON = "http://127.0.0.1:8107"
UPLOADED = b"%PDF-1.4 my own essay, as I uploaded it"


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED_ON
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-files"
    settings.MEDIA_ROOT = tmp_path / "media"


def user_fields_to_the_user_model() -> set[tuple[str, str]]:
    """(model label, field name) of every concrete FK, one-to-one and many-to-many to the user model."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in [*model._meta.local_fields, *model._meta.local_many_to_many]:
            if isinstance(field, models.ForeignKey | models.ManyToManyField) and field.related_model is user_model:
                found.add((model._meta.label, field.name))
    return found


def test_every_field_pointing_at_a_user_is_declared_in_the_export():
    declared = {(held.model, held.field) for held in USER_DATA if held.field}
    missing = user_fields_to_the_user_model() - declared
    assert not missing, (
        f"These fields tie rows to a user but the export does not say where they go: {sorted(missing)}. "
        "Add them to USER_DATA in redink/privacy/export.py (and to user_data)."
    )
    stale = declared - user_fields_to_the_user_model()
    assert not stale, f"USER_DATA declares fields that no longer exist: {sorted(stale)}"
    assert {held.section for held in USER_DATA} <= set(SECTIONS)


@pytest.fixture
def other(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Someone Else", email="someone.else@example.org")


@pytest.fixture
def person(section, other, staff):  # type: ignore[no-untyped-def]
    """A student who is also a teacher and a member, with something in every section."""
    user = UserFactory(display_name="Young Author", email="young.author@example.org", birth_year=2010)
    user.avatar.save("me.png", ContentFile(b"\x89PNG picture"), save=True)
    PreviousDisplayName.objects.create(user=user, name="Old Name")
    terms_accept(user=user, version="2026-12")
    Entitlement.objects.create(
        user=user,
        source=Entitlement.Source.CONTRIBUTION,
        ends_at=timezone.now() + timedelta(days=30),
        reference="essay 1",
    )
    BillingCustomer.objects.create(user=user, mode="local", stripe_id="cus_test_123")
    plan, _ = Plan.objects.get_or_create(
        slug="monthly", defaults={"name": "Monthly", "interval": "month", "amount": 699}
    )
    Subscription.objects.create(
        user=user, stripe_id="sub_test_456", mode="local", customer_id="cus_test_123", plan=plan, status="active",
        latest_payment_intents=["pi_test_789"],
    )  # fmt: skip
    own = make_essay(section=section, author=user, title="My published essay on the Cold War")
    upload = Submission(
        contributor=user,
        source=Submission.Source.FILE,
        status=Submission.Status.IN_REVIEW,
        title="My uploaded draft",
        section=section,
        original_filename="../My Essay (final).pdf",
        file_size=len(UPLOADED),
        declaration=True,
    )
    upload.file.save("essay.pdf", ContentFile(UPLOADED), save=True)
    ModerationEvent.objects.create(action=ModerationEvent.Action.UPLOADED, actor=user, submission=upload)
    Submission.objects.create(
        contributor=user,
        source=Submission.Source.PASTE,
        status=Submission.Status.REJECTED,
        rejection_reason=Submission.RejectionReason.QUALITY,
        title="My pasted attempt",
        section=section,
        pasted_text="Pasted words of mine.",
        decided_by=staff,
        decided_at=timezone.now(),
    )
    theirs = make_essay(section=section, author=other, title="Someone else's essay")
    Review.objects.create(
        essay=theirs, teacher=user, stars=4, strengths="Strong opening paragraph.", next_steps="More evidence.",
        status=Review.Status.PUBLISHED, published_at=timezone.now(),
    )  # fmt: skip
    MarginComment.objects.create(
        essay=theirs, teacher=user, body="This is where it turns.", exact="first", start=4, end=9, text_version=1,
        original_exact="first",
    )  # fmt: skip
    BankComment.objects.create(teacher=user, text="Reusable advice on structure.", objective_code="AO2")
    application = TeacherApplication.objects.create(
        applicant=user, institution="Exampleton Academy", qualification="PGCE"
    )
    application.evidence.save("proof.pdf", ContentFile(b"evidence"), save=True)
    SavedEssay.objects.create(user=user, essay=theirs, title=theirs.title, note="Read before the mock.")
    ReadingHistoryEntry.objects.create(user=user, essay=theirs)
    assert Essay.objects.filter(author=user).get() == own
    return user


class TestTheData:
    def test_it_holds_everything_about_the_user(self, person):
        data = user_data(person)
        assert list(data) == ["about", *SECTIONS]
        assert data["account"]["email"] == "young.author@example.org"
        assert data["account"]["year_of_birth"] == 2010 and data["account"]["display_name"] == "Young Author"
        assert data["account"]["picture"] == "uploads/avatar/me.png"
        assert [a["email"] for a in data["email_addresses"]] == ["young.author@example.org"]
        assert data["previous_display_names"][0]["name"] == "Old Name"
        assert data["terms_acceptances"][0]["version"] == "2026-12"
        assert re.match(r"\d{4}-\d\d-\d\dT", data["terms_acceptances"][0]["accepted_at"])
        assert data["entitlements"][0]["source"] == "Earned by contributing"
        assert data["payments"]["customers"][0]["stripe_customer"] == "cus_test_123"
        subscription = data["payments"]["subscriptions"][0]
        assert subscription["stripe_subscription"] == "sub_test_456" and subscription["latest_payments"] == [
            "pi_test_789"
        ]
        assert [e["title"] for e in data["essays"]] == ["My published essay on the Cold War"]
        assert data["essays"][0]["status"] == "published" and data["essays"][0]["text"]
        uploads = {u["title"]: u for u in data["uploads"]}
        assert uploads["My uploaded draft"]["status"] == "in_review"
        assert (
            uploads["My uploaded draft"]["file_in_archive"]
            == f"uploads/{uploads['My uploaded draft']['number']}-My Essay (final).pdf"
        )
        assert uploads["My uploaded draft"]["history"][0]["what"] == "Uploaded"
        assert uploads["My pasted attempt"]["status"] == "rejected"
        assert uploads["My pasted attempt"]["why_not_published"] == "Unfinished, or too hard to read"
        assert uploads["My pasted attempt"]["pasted_text"] == "Pasted words of mine."
        assert data["reviews"][0]["strengths"] == "Strong opening paragraph."
        assert data["reviews"][0]["essay"]["title"] == "Someone else's essay"
        assert data["margin_comments"][0]["comment"] == "This is where it turns."
        assert data["comment_bank"][0]["comment"] == "Reusable advice on structure."
        assert data["teacher_applications"][0]["institution"] == "Exampleton Academy"
        assert data["reading_list"][0]["note"] == "Read before the mock."
        assert data["reading_history"][0]["essay"]["title"] == "Someone else's essay"
        assert data["reading_settings"] == {"history_on": True}
        assert any(a["what"] == "Uploaded" for a in data["actions_logged"])

    def test_it_holds_no_secret_and_nobody_else(self, person, other, staff):
        text = json.dumps(user_data(person))
        person.refresh_from_db()
        assert person.password and person.password not in text
        assert "password" not in text
        assert other.email not in text and staff.email not in text
        assert staff.public_name not in text, "the moderator who decided stays unnamed"

    def test_staff_decisions_are_listed_in_brief(self, person, staff):
        actions = user_data(staff)["actions_logged"]
        assert [a["what"] for a in actions] == ["Decided an upload: Rejected"]
        assert person.email not in json.dumps(actions)

    def test_it_only_reads(self, person, django_assert_max_num_queries):
        before = {label: apps.get_model(label).objects.count() for label, _ in user_fields_to_the_user_model()}
        with django_assert_max_num_queries(40):
            user_data(person)
        assert before == {label: apps.get_model(label).objects.count() for label in before}

    def test_the_zip_holds_the_data_a_readme_and_the_files(self, person):
        archive = zipfile.ZipFile(io.BytesIO(export_archive_build(person)))
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        upload = next(u for u in data["uploads"] if u["file_in_archive"])
        assert {"data.json", "README.txt", upload["file_in_archive"], "uploads/avatar/me.png"} <= names
        assert archive.read(upload["file_in_archive"]) == UPLOADED
        assert any(n.startswith("uploads/teacher-evidence/") for n in names)
        assert all(".." not in n for n in names)
        readme = archive.read("README.txt").decode()
        for section in SECTIONS:
            assert f"\n{section}\n" in readme


def export_of(client, user) -> DataExport:  # type: ignore[no-untyped-def]
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302 and response["Location"].endswith("#your-data")
    return DataExport.objects.filter(user=user).get()


class TestTheLink:
    def test_the_task_builds_it_and_emails_the_link(self, client, person):
        export = export_of(client, person)
        assert export.status == DataExport.Status.READY and export.archive and export.size > 0
        assert export.expires_at - export.ready_at == timedelta(days=7)
        [message] = mail.outbox
        assert message.to == [person.email]
        link = f"{SERVED_ON}/privacy/export/{export.token}/"
        assert link in message.body
        assert "List-Unsubscribe" not in message.extra_headers, "asked-for and always sent"

    def test_the_owner_downloads_it(self, client, person):
        export = export_of(client, person)
        response = client.get(reverse("privacy:export-download", args=[export.token]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"].startswith("attachment;") and ".zip" in response["Content-Disposition"]
        assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        assert json.loads(archive.read("data.json"))["account"]["email"] == person.email

    def test_nobody_else_gets_it(self, client, person, other):
        export = export_of(client, person)
        url = reverse("privacy:export-download", args=[export.token])
        client.force_login(other)
        assert client.get(url).status_code == 404
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        client.force_login(person)
        for guess in ("x" * 43, export.token[:-1], "a" * 500, "%00"):
            assert client.get(f"/privacy/export/{guess}/").status_code == 404

    def test_an_expired_link_says_so(self, client, person):
        export = export_of(client, person)
        url = reverse("privacy:export-download", args=[export.token])
        stored = export.archive.path
        with freeze_time(timezone.now() + timedelta(days=7, minutes=1)):
            response = client.get(url)
        assert response.status_code == 410
        page = response.content.decode()
        assert "This link has expired" in page and "ask for a new one" in page
        export.refresh_from_db()
        assert export.status == DataExport.Status.EXPIRED and not export.archive
        assert not __import__("os").path.exists(stored), "the archive is deleted once it has expired"
        assert client.get(url).status_code == 410

    def test_the_day_before_it_still_works(self, client, person):
        export = export_of(client, person)
        with freeze_time(timezone.now() + timedelta(days=6, hours=23)):
            assert client.get(reverse("privacy:export-download", args=[export.token])).status_code == 200

    def test_a_new_copy_replaces_the_old_one(self, client, person):
        first = export_of(client, person)
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("privacy:export"))
        first.refresh_from_db()
        assert first.status == DataExport.Status.EXPIRED
        assert client.get(reverse("privacy:export-download", args=[first.token])).status_code == 410

    def test_one_at_a_time_and_a_few_a_day(self, client, student):
        client.force_login(student)
        client.post(reverse("privacy:export"))  # not committed: the task has not run, it is being prepared
        response = client.post(reverse("privacy:export"), follow=True)
        assert "already being prepared" in response.content.decode()
        assert DataExport.objects.filter(user=student).count() == 1
        DataExport.objects.filter(user=student).update(status=DataExport.Status.READY)
        for _ in range(EXPORTS_PER_DAY - 1):
            with TestCase.captureOnCommitCallbacks(execute=True):
                client.post(reverse("privacy:export"))
        response = client.post(reverse("privacy:export"), follow=True)
        assert "ask again tomorrow" in response.content.decode()
        assert DataExport.objects.filter(user=student).count() == EXPORTS_PER_DAY

    def test_a_request_whose_task_was_lost_does_not_block_forever(self, client, student):
        client.force_login(student)
        client.post(reverse("privacy:export"))
        DataExport.objects.update(created_at=timezone.now() - timedelta(hours=3))
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("privacy:export"))
        assert list(DataExport.objects.values_list("status", flat=True)) == ["ready", "failed"]

    def test_signed_out_the_button_asks_to_log_in(self, client):
        response = client.post(reverse("privacy:export"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not DataExport.objects.exists()
        assert client.get(reverse("privacy:export")).status_code == 405


class TestTheAccountPage:
    def test_it_offers_the_export(self, client, student):
        client.force_login(student)
        page = client.get(reverse("accounts:overview")).content.decode()
        assert 'id="your-data"' in page and "Export my data" in page
        assert f'action="{reverse("privacy:export")}"' in page and "csrfmiddlewaretoken" in page

    def test_it_shows_where_the_latest_stands(self, client, person):
        export = export_of(client, person)
        page = client.get(reverse("accounts:overview")).content.decode()
        assert reverse("privacy:export-download", args=[export.token]) in page and "works until" in page
        with freeze_time(timezone.now() + timedelta(days=8)):
            page = client.get(reverse("accounts:overview")).content.decode()
        assert "has expired" in page and reverse("privacy:export-download", args=[export.token]) not in page
        DataExport.objects.update(status=DataExport.Status.PENDING, expires_at=None)
        page = client.get(reverse("accounts:overview")).content.decode()
        assert "being prepared" in page
