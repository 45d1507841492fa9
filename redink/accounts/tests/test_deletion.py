"""Delete my account (issue 20, point 6): confirmed with the password; personal data erased,
sessions ended, a live subscription cancelled through the payment gateway, published essays
withdrawn or kept under "Former contributor", a teacher's reviews and comments kept under
"Former teacher", payment records kept detached, a deletion log of a token and a date, and
nothing left pointing at the person (every model walked, and every section of the export)."""

from __future__ import annotations

import copy
import functools
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redink.access.models import Entitlement
from redink.accounts.deletion import DeletionRefused, account_delete
from redink.accounts.models import DeletionLog, PreviousDisplayName, User
from redink.billing import stripe_api
from redink.billing.models import BillingCustomer, LocalStripeObject, Mode, Subscription
from redink.billing.tests import stripe_objects as so
from redink.billing.tests.fake_stripe import GATEWAY_FUNCTIONS, FakeStripe
from redink.billing.tests.test_stripe_api import REAL_CLIENT, RecordingHTTPClient
from redink.catalogue.models import Essay
from redink.marking.comments import comment_add
from redink.marking.models import BankComment, MarginComment, Review, TeacherApplication
from redink.marking.tests.test_reviews_helpers import publish
from redink.privacy.models import EmailPreference, TermsAcceptance
from redink.reading.models import ReadingHistoryEntry, ReadingSettings, SavedEssay
from redink.submissions.models import Submission
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

FORMER_CONTRIBUTOR = "Former contributor"
FORMER_TEACHER = "Former teacher"


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_network_to_stripe(monkeypatch):  # type: ignore[no-untyped-def]
    def refuse() -> None:
        raise AssertionError("a test tried to reach Stripe over the network")

    monkeypatch.setattr(stripe_api, "_client", refuse)


@pytest.fixture(autouse=True)
def files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Avatars under a temporary MEDIA_ROOT, private uploads in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private"
    return tmp_path


class CancellingFakeStripe(FakeStripe):
    """The billing tests' stand-in for Stripe, answering `subscription_cancel` too."""

    def subscription_cancel(self, *, subscription_id: str) -> dict[str, Any]:
        self._call("subscription_cancel", subscription_id=subscription_id)
        if subscription_id not in self.subscriptions:
            raise stripe_api.StripeUnavailable(f"InvalidRequestError: No such subscription: '{subscription_id}'")
        now = int(time.time())
        self.subscriptions[subscription_id].update(status="canceled", canceled_at=now, ended_at=now)
        return copy.deepcopy(self.subscriptions[subscription_id])

    def install(self, monkeypatch: pytest.MonkeyPatch) -> CancellingFakeStripe:
        for name in (*GATEWAY_FUNCTIONS, "subscription_cancel"):
            monkeypatch.setattr(stripe_api, name, getattr(self, name))
        return self


@pytest.fixture
def fake_stripe(settings, monkeypatch) -> CancellingFakeStripe:  # type: ignore[no-untyped-def]
    settings.STRIPE_SECRET_KEY = "sk_test_51Fake0000000000000000000000"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_51Fake0000000000000000000000"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
    return CancellingFakeStripe().install(monkeypatch)


@pytest.fixture
def leaver(section):  # type: ignore[no-untyped-def]
    """A student with something in every corner of Redink."""
    user = UserFactory(display_name="Leaving Lou", birth_year=2010)
    user.avatar.save("lou.png", ContentFile(b"\x89PNG fake"), save=True)
    user.written = [  # type: ignore[attr-defined]
        make_essay(section=section, author=user, title="The causes of the Cold War, by Lou"),
        make_essay(section=section, author=user, title="Was appeasement a mistake? Lou's answer"),
    ]
    other = make_essay(section=section, title="Someone else's essay on the Berlin Wall")
    Submission.objects.create(
        contributor=user,
        source=Submission.Source.FILE,
        status=Submission.Status.IN_REVIEW,
        title="A draft still in review",
        section=section,
        declaration=True,
        file=ContentFile(b"my draft, with my real name in it", name="draft.txt"),
    )
    PreviousDisplayName.objects.create(user=user, name="Old Lou")
    TermsAcceptance.objects.create(user=user, version="2026-01")
    EmailPreference.objects.create(user=user, kind="reviews", enabled=False)
    SavedEssay.objects.create(user=user, essay=other, title=other.title, note="read before the exam")
    ReadingHistoryEntry.objects.create(user=user, essay=other)
    ReadingSettings.objects.create(user=user, history_enabled=True)
    Entitlement.objects.create(
        user=user,
        source=Entitlement.Source.GRANT,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=10),
    )
    application = TeacherApplication.objects.create(
        applicant=user,
        institution="Lou's school",
        qualification="none yet",
        evidence=ContentFile(b"a letter", name="letter.pdf"),
    )
    user.upload_path = Submission.objects.get(contributor=user).file.path  # type: ignore[attr-defined]
    user.evidence_path = application.evidence.path  # type: ignore[attr-defined]
    user.avatar_path = user.avatar.path  # type: ignore[attr-defined]
    return user


@pytest.fixture
def paying(leaver, fake_stripe):  # type: ignore[no-untyped-def]
    """The leaver pays through Stripe (test mode): a customer and an active subscription."""
    now = int(time.time())
    fake_stripe.subscriptions["sub_Lou"] = so.subscription(
        subscription_id="sub_Lou",
        customer_id="cus_Lou",
        status="active",
        start=now - 86400,
        period_start=now - 86400,
        period_end=now + 29 * 86400,
        latest_invoice=None,
        user_id=leaver.pk,
    )
    BillingCustomer.objects.create(user=leaver, mode=Mode.TEST, stripe_id="cus_Lou")
    Subscription.objects.create(
        user=leaver, mode=Mode.TEST, stripe_id="sub_Lou", customer_id="cus_Lou", status="active", amount=699
    )
    return leaver


def confirm(client, password: str, *, essays: str = "withdraw") -> Any:  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:delete"), {"essays": essays, "password": password})


def logged_in(user: User) -> Client:
    other = Client()
    other.force_login(user)
    return other


def references_to(user_id: int) -> list[str]:
    """Every row of every model whose foreign key (or one-to-one) names the user `user_id`."""
    user_model = apps.get_model("accounts", "User")
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            points_at_user = isinstance(field, models.ForeignKey) and field.related_model is user_model
            if points_at_user and model._default_manager.filter(**{field.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


# --- Confirming -------------------------------------------------------------------------------


def test_the_page_says_what_happens_and_offers_both_choices(client, leaver):
    client.force_login(leaver)
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Former contributor" in body and "Former teacher" in body and "tax law" in body
    assert 'value="withdraw"' in body and 'value="keep"' in body
    assert re.search(r'<input type="radio" name="essays" value="withdraw"[^>]*checked', body)
    assert not re.search(r'<input type="radio" name="essays" value="keep"[^>]*checked', body)
    assert 'type="password"' in body


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_wrong_password_refuses_and_keeps_everything(client, leaver, django_capture_on_commit_callbacks):
    client.force_login(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, "not my password")
    assert response.status_code == 400
    assert "That is not your password. Nothing has been deleted." in response.content.decode()
    assert User.objects.filter(pk=leaver.pk).exists()
    assert Essay.objects.filter(author=leaver, status=Essay.Status.PUBLISHED).count() == 2
    assert Submission.objects.filter(contributor=leaver).count() == 1
    assert all(Path(p).exists() for p in (leaver.upload_path, leaver.evidence_path, leaver.avatar_path))
    assert client.get(reverse("accounts:overview")).status_code == 200  # still logged in
    assert not DeletionLog.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"essays": "burn", "password": "x"},
        {"essays": "keep"},
        {"essays": ["keep", "withdraw"], "password": "x" * 5000},
    ],
)
def test_bad_input_is_refused_never_a_server_error(client, leaver, data):
    client.force_login(leaver)
    response = client.post(reverse("accounts:delete"), data)
    assert response.status_code == 400
    assert User.objects.filter(pk=leaver.pk).exists()


def test_wrong_passwords_are_limited(client, leaver, password, settings):
    settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT = 2
    client.force_login(leaver)
    assert confirm(client, "guess one").status_code == 400
    assert confirm(client, "guess two").status_code == 400
    response = confirm(client, password)  # even the right one waits now
    assert response.status_code == 429 and "Retry-After" in response
    assert User.objects.filter(pk=leaver.pk).exists()


def test_staff_are_refused_and_told_why(client, staff, password):
    client.force_login(staff)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "Another administrator" in page and 'type="password"' not in page
    assert confirm(client, password).status_code == 403
    assert User.objects.filter(pk=staff.pk).exists()
    with pytest.raises(DeletionRefused):
        account_delete(user=staff, essays="withdraw")


# --- Deleting ---------------------------------------------------------------------------------


def test_success_erases_the_user_ends_every_session_and_says_goodbye_with_the_token(
    client, leaver, password, django_capture_on_commit_callbacks
):
    user_id = leaver.pk
    assert client.login(email=leaver.email, password=password)
    elsewhere = logged_in(leaver)
    assert elsewhere.get(reverse("accounts:overview")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, password)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:deleted")
    goodbye = client.get(response["Location"])
    log = DeletionLog.objects.get()
    assert goodbye.status_code == 200 and log.token in goodbye.content.decode()
    assert "no-store" in goodbye["Cache-Control"]
    assert client.get(reverse("accounts:deleted")).status_code == 302  # shown once
    assert not User.objects.filter(pk=user_id).exists()
    for someone in (client, elsewhere):
        overview = someone.get(reverse("accounts:overview"))
        assert overview.status_code == 302 and "/accounts/login/" in overview["Location"]
    assert not [s for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user_id)]
    # Stored files went with the rows that named them.
    assert not any(Path(p).exists() for p in (leaver.upload_path, leaver.evidence_path, leaver.avatar_path))
    assert not Submission.objects.filter(title="A draft still in review").exists()


def test_the_deletion_log_holds_a_random_token_and_the_date_only(leaver):
    email, name, user_id = leaver.email, leaver.display_name, leaver.pk
    log = account_delete(user=leaver, essays="withdraw")
    assert {f.name for f in DeletionLog._meta.get_fields()} == {"id", "token", "deleted_on"}
    assert log.deleted_on == timezone.localdate()
    assert len(log.token) >= 20 and email not in log.token and name not in log.token and str(user_id) != log.token
    other = account_delete(user=UserFactory(), essays="withdraw")
    assert other.token != log.token


def test_withdrawn_essays_leave_the_library(client, leaver):
    essays = leaver.written
    account_delete(user=leaver, essays="withdraw")
    for essay in essays:
        essay.refresh_from_db()
        assert essay.status == Essay.Status.WITHDRAWN and essay.author is None
        assert client.get(essay.get_absolute_url()).status_code == 410
    listing = client.get(essays[0].section.get_absolute_url())
    assert listing.status_code == 200 and essays[0].title not in listing.content.decode()
    assert not Submission.objects.filter(essay__in=essays).exists()


def test_kept_essays_stay_published_under_former_contributor(client, leaver, member, section):
    essays = leaver.written
    unpublished = make_essay(section=section, author=leaver, status=Essay.Status.PENDING)
    account_delete(user=leaver, essays="keep")
    unpublished.refresh_from_db()
    assert unpublished.status == Essay.Status.WITHDRAWN  # never published later without its author's say
    client.force_login(member)
    for essay in essays:
        essay.refresh_from_db()
        assert essay.status == Essay.Status.PUBLISHED and essay.author is None
        response = client.get(essay.get_absolute_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert FORMER_CONTRIBUTOR in body and "Leaving Lou" not in body
        assert "/authors/" not in body.split('class="byline"')[1].split("</div>")[0]
    listing = Client().get(essays[0].section.get_absolute_url())
    assert listing.status_code == 200
    assert essays[0].title in listing.content.decode() and "Leaving Lou" not in listing.content.decode()
    assert Client().get("/authors/Leaving Lou/").status_code == 404
    assert Client().get("/authors/Old Lou/").status_code == 404


def test_a_teachers_reviews_and_margin_comments_stay_under_former_teacher(client, section, member):
    teacher = UserFactory(display_name="Ms Leaving", is_verified_teacher=True)
    essay = make_essay(section=section, author=UserFactory(display_name="Essay Author"))
    review = publish(essay, teacher=teacher, stars=4)
    passage = essay.body.split("\n\n")[0][:40]
    start = essay.body.index(passage)
    comment = comment_add(
        essay=essay,
        teacher=teacher,
        body="A sharp opening zqcomment.",
        start=start,
        end=start + len(passage),
        quote=passage,
        text_version=essay.text_version,
    )
    BankComment.objects.create(teacher=teacher, text="Use more evidence.")
    draft_essay = make_essay(section=section)
    draft = publish(draft_essay, teacher=teacher, stars=2, publish=False)

    account_delete(user=teacher, essays="withdraw")

    review.refresh_from_db()
    comment.refresh_from_db()
    assert review.teacher is None and review.status == Review.Status.PUBLISHED
    assert comment.teacher is None and not comment.is_hidden
    assert not BankComment.objects.exists()
    assert not Review.objects.filter(pk=draft.pk).exists()
    essay.refresh_from_db()
    assert essay.review_count == 1 and essay.is_teacher_marked and essay.comment_count == 1

    client.force_login(member)
    response = client.get(essay.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(FORMER_TEACHER) >= 2 and "Ms Leaving" not in body  # the review card and the note
    assert "zqcomment" in body
    visitor = Client().get(essay.get_absolute_url())
    assert visitor.status_code == 200 and FORMER_TEACHER in visitor.content.decode()


def test_a_live_subscription_is_cancelled_and_payment_records_kept_detached(paying, fake_stripe):
    account_delete(user=paying, essays="withdraw")
    assert fake_stripe.calls_to("subscription_cancel") == [{"subscription_id": "sub_Lou"}]
    subscription = Subscription.objects.get(stripe_id="sub_Lou")
    assert subscription.user is None and subscription.status == "canceled" and subscription.amount == 699
    assert subscription.ended_at is not None
    assert BillingCustomer.objects.get(stripe_id="cus_Lou").user is None


def test_when_stripe_refuses_nothing_is_lost(client, paying, fake_stripe, password):
    fake_stripe.down = True
    client.force_login(paying)
    response = confirm(client, password)
    assert response.status_code == 409
    assert "nothing is lost" in response.content.decode()
    assert User.objects.filter(pk=paying.pk).exists()
    assert Subscription.objects.get(stripe_id="sub_Lou").user == paying
    assert Essay.objects.filter(author=paying, status=Essay.Status.PUBLISHED).count() == 2
    assert not DeletionLog.objects.exists()


def test_the_test_mode_checkout_cancels_its_own_subscription(leaver, settings, django_capture_on_commit_callbacks):
    from redink.billing.testmode import objects, store

    settings.STRIPE_SECRET_KEY = ""
    settings.REDINK_ALLOW_TEST_CHECKOUT = True
    now = int(time.time())
    store.object_put(objects.customer(email=leaver.email, user_id=leaver.pk, created=now))
    price = objects.price(plan_slug="monthly", amount=699, currency="gbp", interval="month", created=now)
    local = store.object_put(
        objects.subscription(
            customer_id="cus_local", price_object=price, metadata={}, start=now, period_end=now + 86400 * 30
        )
    )
    Subscription.objects.create(user=leaver, mode=Mode.LOCAL, stripe_id=local["id"], status="active")
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=leaver, essays="withdraw")
    assert LocalStripeObject.objects.get(stripe_id=local["id"]).data["status"] == "canceled"
    row = Subscription.objects.get(stripe_id=local["id"])
    assert row.user is None and row.status == "canceled"


def test_subscription_cancel_asks_stripe_to_delete_the_subscription(monkeypatch, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_51Fake0000000000000000000000"
    now = int(time.time())
    cancelled = so.subscription(
        customer_id="cus_1", status="canceled", start=now, period_start=now, period_end=now + 1, latest_invoice=None
    )
    recorder = RecordingHTTPClient({("DELETE", "/v1/subscriptions/sub_1MowQVLkdIwHu7ixeRlqHVzs"): (200, cancelled)})
    monkeypatch.setattr(stripe_api, "_client", REAL_CLIENT)
    monkeypatch.setattr(stripe, "StripeClient", functools.partial(stripe.StripeClient, http_client=recorder))
    assert stripe_api.subscription_cancel(subscription_id="sub_1MowQVLkdIwHu7ixeRlqHVzs")["status"] == "canceled"
    (request,) = recorder.requests
    assert request["method"].upper() == "DELETE"
    assert request["headers"]["Stripe-Version"] == stripe_api.API_VERSION


# --- Nothing left pointing at the person -------------------------------------------------------


@pytest.mark.parametrize("essays", ["withdraw", "keep"])
def test_no_row_of_any_model_references_the_deleted_user(paying, essays, section, django_capture_on_commit_callbacks):
    # As a teacher too, with a review and a comment bank, so the walk covers marking's models.
    paying.is_verified_teacher = True
    paying.save()
    publish(make_essay(section=section), teacher=paying)
    BankComment.objects.create(teacher=paying, text="Well argued.")
    user_id = paying.pk
    assert len(references_to(user_id)) >= 15
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=paying, essays=essays)
    assert references_to(user_id) == []


def test_nothing_the_export_listed_remains_attached(paying, section, django_capture_on_commit_callbacks):
    export = pytest.importorskip("redink.privacy.export", reason="the export (issue 20 point 5) is not built yet")
    if not hasattr(export, "user_data") or not hasattr(export, "USER_DATA"):
        pytest.skip("redink.privacy.export has no user_data / USER_DATA yet")
    paying.is_verified_teacher = True
    paying.save()
    publish(make_essay(section=section), teacher=paying)
    BankComment.objects.create(teacher=paying, text="Well argued.")
    before = export.user_data(paying)
    for section_name in (
        "email_addresses",
        "previous_display_names",
        "terms_acceptances",
        "email_preferences",
        "entitlements",
        "essays",
        "uploads",
        "teacher_applications",
        "reviews",
        "comment_bank",
        "reading_list",
        "reading_history",
    ):
        assert before[section_name], f"the export's {section_name!r} is empty: the test would prove nothing"
    assert before["payments"]
    user_id = paying.pk
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=paying, essays="keep")
    gone = User(pk=user_id)
    for held in export.USER_DATA:
        assert not held.rows(user=gone).exists(), f"{held.model}.{held.field or 'pk'} still holds the deleted user"
    # Payment records are detached, not gone; reviews and kept essays are detached too.
    assert BillingCustomer.objects.filter(stripe_id="cus_Lou", user=None).exists()
    assert Subscription.objects.filter(stripe_id="sub_Lou", user=None).exists()
    assert Review.objects.filter(teacher=None).count() == 1
    kept = Essay.objects.filter(pk__in=[e.pk for e in paying.written], author=None, status=Essay.Status.PUBLISHED)
    assert kept.count() == 2
    assert not MarginComment.objects.filter(teacher_id=user_id).exists()


def test_the_account_page_section_links_to_the_confirmation(client, leaver):
    from django.template.loader import render_to_string

    part = render_to_string("account/_delete_account.html", {"SITE_NAME": "Redink"})
    assert "Delete my account" in part and f'href="{reverse("accounts:delete")}"' in part
    client.force_login(leaver)
    overview = client.get(reverse("accounts:overview")).content.decode()
    if "account/_delete_account.html" not in Path("templates/account/_your_data.html").read_text():
        pytest.skip("the account page's Your data section does not include the deletion part yet")
    assert f'href="{reverse("accounts:delete")}"' in overview
