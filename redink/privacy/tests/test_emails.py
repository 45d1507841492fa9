"""E-mail preferences: each kind a user may turn off (upload decisions, takedown answers, reviews
of their essays) stops when it is off, carries RFC 8058 one-click unsubscribe headers, and its
link works while signed out. Account-security e-mails always go."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client, TestCase
from django.urls import reverse

from redink.marking.services import ReviewInput, review_save
from redink.privacy.mail import mail_allowed, unsubscribe_token, unsubscribe_token_read
from redink.privacy.models import EmailKind, EmailPreference
from redink.privacy.services import email_preference_set
from redink.submissions.models import Submission
from redink.submissions.services.moderation import submission_reject
from redink.submissions.services.takedowns import takedown_answer, takedown_file
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SERVED_ON = "http://127.0.0.1:8107"


@pytest.fixture(autouse=True)
def _served_on(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED_ON


@pytest.fixture
def author(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Young Author", email="author@example.org")


def reject_an_upload(*, contributor, section, staff) -> None:  # type: ignore[no-untyped-def]
    submission = Submission.objects.create(
        contributor=contributor,
        source=Submission.Source.PASTE,
        status=Submission.Status.IN_REVIEW,
        title="My history essay",
        section=section,
        declaration=True,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_reject(submission=submission, moderator=staff, reason=Submission.RejectionReason.QUALITY)


def answer_a_takedown(*, essay, email, staff) -> None:  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        takedown = takedown_file(essay=essay, name="Pat Rights", email=email, claim="It copies my work.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        takedown_answer(takedown=takedown, moderator=staff, answer="The passages are referenced quotations.")


def review_an_essay(*, essay, author) -> None:  # type: ignore[no-untyped-def]
    essay.author = author
    essay.save()
    teacher = UserFactory(is_verified_teacher=True, display_name="Ms Marker")
    data = ReviewInput(stars=4, strengths="A clear argument.", next_steps="More on context.", marks={})
    with TestCase.captureOnCommitCallbacks(execute=True):
        review_save(essay=essay, teacher=teacher, data=data, publish=True)


def send(kind: str, *, author, essay, section, staff) -> None:  # type: ignore[no-untyped-def]
    if kind == EmailKind.SUBMISSIONS:
        reject_an_upload(contributor=author, section=section, staff=staff)
    elif kind == EmailKind.TAKEDOWNS:
        answer_a_takedown(essay=essay, email=author.email.upper(), staff=staff)
    else:
        review_an_essay(essay=essay, author=author)


SENT_KINDS = (EmailKind.SUBMISSIONS, EmailKind.TAKEDOWNS, EmailKind.REVIEWS)
SUBJECTS = {
    EmailKind.SUBMISSIONS: "Your upload “My history essay” was not published",
    EmailKind.TAKEDOWNS: "Your request about",
    EmailKind.REVIEWS: "A teacher has reviewed",
}


def mails_of(kind: str, outbox):  # type: ignore[no-untyped-def]
    return [m for m in outbox if m.subject.startswith(SUBJECTS[kind])]


@pytest.mark.parametrize("kind", SENT_KINDS)
def test_each_kind_carries_one_click_unsubscribe_headers(kind, author, essay, section, staff, mailoutbox):
    send(kind, author=author, essay=essay, section=section, staff=staff)
    (message,) = mails_of(kind, mailoutbox)
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    url = header[1:-1]
    # The token is signed with the second it was made in, so the test reads it back rather than
    # making its own and comparing strings across a second's boundary.
    prefix = f"{SERVED_ON}{reverse('privacy:unsubscribe', args=['TOKEN'])}".removesuffix("TOKEN/")
    assert url.startswith(prefix) and url.endswith("/")
    assert unsubscribe_token_read(url.removeprefix(prefix).removesuffix("/")) == (author, kind)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body, "the link is in the e-mail too, for people whose mail program shows no button"
    sent = message.message()  # the headers as the mail server gets them
    assert "".join(sent["List-Unsubscribe"].split()) == f"<{url}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("kind", SENT_KINDS)
def test_a_kind_turned_off_is_not_sent(kind, author, essay, section, staff, mailoutbox):
    email_preference_set(user=author, kind=kind, enabled=False)
    for other in EmailKind.values:
        if other != kind:
            email_preference_set(user=author, kind=other, enabled=True)
    send(kind, author=author, essay=essay, section=section, staff=staff)
    assert mails_of(kind, mailoutbox) == []


def test_turning_one_kind_off_leaves_the_others(author, essay, section, staff, mailoutbox):
    email_preference_set(user=author, kind=EmailKind.REVIEWS, enabled=False)
    reject_an_upload(contributor=author, section=section, staff=staff)
    review_an_essay(essay=essay, author=author)
    assert [m.subject for m in mailoutbox] == [SUBJECTS[EmailKind.SUBMISSIONS]]


def test_a_takedown_answer_to_an_address_with_no_account_still_goes(essay, staff, mailoutbox):
    answer_a_takedown(essay=essay, email="rights@example.net", staff=staff)
    (answer,) = mails_of(EmailKind.TAKEDOWNS, [m for m in mailoutbox if "reference" not in m.subject])
    assert answer.to == ["rights@example.net"] and "List-Unsubscribe" not in answer.extra_headers


def test_account_security_emails_still_go_with_everything_off(client, author, mailoutbox):
    for kind in EmailKind.values:
        email_preference_set(user=author, kind=kind, enabled=False)
    client.post("/accounts/password/reset/", {"email": author.email})
    (message,) = mailoutbox
    assert "/accounts/password/reset/key/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


class TestUnsubscribeLink:
    def url(self, user, kind=EmailKind.REVIEWS) -> str:  # type: ignore[no-untyped-def]
        return reverse("privacy:unsubscribe", args=[unsubscribe_token(user=user, kind=kind)])

    def test_get_asks_and_changes_nothing(self, client, author):
        response = client.get(self.url(author))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Stop these e-mails" in page and "teachers&#x27; reviews of my essays" in page
        assert 'method="post"' in page
        assert mail_allowed(user=author, kind=EmailKind.REVIEWS)
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]

    def test_the_page_button_works_signed_out(self, client, author):
        response = client.post(self.url(author), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and "those e-mails have stopped" in response.content.decode()
        assert not mail_allowed(user=author, kind=EmailKind.REVIEWS)
        assert mail_allowed(user=author, kind=EmailKind.SUBMISSIONS), "only the kind the link names"

    def test_a_mail_clients_one_click_post_needs_no_csrf_token(self, author):
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(
            self.url(author, EmailKind.SUBMISSIONS),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert not mail_allowed(user=author, kind=EmailKind.SUBMISSIONS)
        # Twice is harmless.
        assert mail_client.post(self.url(author, EmailKind.SUBMISSIONS)).status_code == 200
        assert EmailPreference.objects.filter(user=author, enabled=False).count() == 1

    def test_it_works_while_someone_else_is_signed_in(self, client, author, student):
        client.force_login(student)
        client.post(self.url(author))
        assert not mail_allowed(user=author, kind=EmailKind.REVIEWS)
        assert mail_allowed(user=student, kind=EmailKind.REVIEWS)

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_a_tampered_token_is_a_clear_400(self, client, author, method):
        token = unsubscribe_token(user=author, kind=EmailKind.REVIEWS)
        forged = signing.dumps({"u": author.pk, "k": EmailKind.REVIEWS}, salt="another salt")
        other_kind = signing.dumps({"u": author.pk, "k": "security"}, salt="redink.privacy.unsubscribe")
        for bad in (token[:-3] + "xyz", token.replace(":", "", 1), forged, other_kind, "not-a-token"):
            response = getattr(client, method)(reverse("privacy:unsubscribe", args=[bad]))
            assert response.status_code == 400, bad
            assert "This unsubscribe link does not work" in response.content.decode()
        assert not EmailPreference.objects.exists()

    def test_a_deleted_accounts_link_is_a_clear_400(self, client, author):
        url = self.url(author)
        author.delete()
        assert client.post(url).status_code == 400


class TestAccountPage:
    def test_the_section_shows_each_kind_and_saves_the_choice(self, client, author):
        client.force_login(author)
        page = client.get(reverse("accounts:overview")).content.decode()
        assert 'id="email-preferences"' in page
        for kind in EmailKind.values:
            assert f'name="kinds" value="{kind}" checked' in page
        response = client.post(reverse("privacy:email-preferences"), {"kinds": [EmailKind.SUBMISSIONS]})
        assert response.status_code == 302 and response["Location"].endswith("#email-preferences")
        assert mail_allowed(user=author, kind=EmailKind.SUBMISSIONS)
        assert not mail_allowed(user=author, kind=EmailKind.REVIEWS)
        assert not mail_allowed(user=author, kind=EmailKind.TAKEDOWNS)
        page = client.get(reverse("accounts:overview")).content.decode()
        assert f'value="{EmailKind.SUBMISSIONS}" checked' in page
        assert f'value="{EmailKind.REVIEWS}">' in page

    def test_signed_out_the_form_sends_you_to_log_in(self, client):
        response = client.post(reverse("privacy:email-preferences"), {"kinds": []})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_form_needs_its_csrf_token(self, author):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(author)
        assert browser.post(reverse("privacy:email-preferences"), {"kinds": []}).status_code == 403
        assert mail_allowed(user=author, kind=EmailKind.REVIEWS)
