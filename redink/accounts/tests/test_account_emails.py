"""Account e-mails come from the site's name and link to the address it is served on (SITE_URL),
whatever host the request named, and also when sent outside a request."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from redink.testing.factories import UserFactory

from .signup import signup_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-42"
SERVED_ON = "http://127.0.0.1:8101"
# The host a browser named: another port than the one the site says it is served on.
OTHER_HOST = {"HTTP_HOST": "127.0.0.1:8010"}


@pytest.fixture(autouse=True)
def _served_on(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = SERVED_ON


def links_in(message: mail.EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def assert_from_the_site(message: mail.EmailMessage) -> None:
    assert message.subject.startswith("[Redink] ")
    assert message.from_email.startswith("Redink <")
    assert message.body.startswith("Hello,\n")
    assert "Hello from" not in message.body and "127.0.0.1:8010" not in message.body
    assert message.body.rstrip().endswith(f"Redink\n{SERVED_ON}/")
    assert links_in(message), "no link"
    assert all(link.startswith(SERVED_ON + "/") for link in links_in(message)), links_in(message)


def test_the_sign_up_confirmation(client):
    client.post(
        "/accounts/signup/",
        signup_data("new.student@example.org", NEW_PASSWORD),
        **OTHER_HOST,
    )
    (message,) = mail.outbox
    assert message.subject == "[Redink] Confirm your e-mail address"
    assert_from_the_site(message)
    assert f"{SERVED_ON}/accounts/confirm-email/" in message.body


def test_the_password_reset_link(client, student):
    client.post("/accounts/password/reset/", {"email": student.email}, **OTHER_HOST)
    (message,) = mail.outbox
    assert message.subject == "[Redink] Reset your password"
    assert_from_the_site(message)
    assert f"{SERVED_ON}/accounts/password/reset/key/" in message.body


def test_a_reset_for_an_unknown_address_offers_to_sign_up(client):
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, **OTHER_HOST)
    (message,) = mail.outbox
    assert_from_the_site(message)
    assert f"{SERVED_ON}/accounts/signup/" in message.body
    assert "/accounts/password/reset/key/" not in message.body


def test_a_security_notice_after_a_password_change(client, student, password):
    client.force_login(student)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        **OTHER_HOST,
    )
    (message,) = mail.outbox
    assert message.subject == "[Redink] Your password was changed"
    assert_from_the_site(message)
    assert "The password of your Redink account was changed." in message.body
    assert f"reset your password now at {SERVED_ON}/accounts/password/reset/" in message.body


def test_a_confirmation_sent_outside_a_request_links_to_the_site(settings):
    """As from a worker or the shell: no request, so no host to take the address from."""
    address = EmailAddress.objects.get(user=UserFactory())
    address.verified = False
    address.save()
    address.send_confirmation(request=None)
    (message,) = mail.outbox
    assert_from_the_site(message)
    assert f"{SERVED_ON}/accounts/confirm-email/" in message.body
