"""The log-in, sign-up, password and e-mail pages (django-allauth's views) look and speak like the
rest of the site: its header and stylesheet, "Log in" / "Sign up" / "Log out", a label for every
input, errors beside their field, and "contact us" that leads somewhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.test import Client

from redink.testing.factories import PASSWORD, UserFactory

from .signup import signup_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-42"
# allauth's own words and layout, which none of these pages may show.
FOREIGN_WORDS = ("Sign In", "Sign in", "Sign Up", "Signup", "Sign Out", "sign out", "Menu:", "Email Address")


class Form(HTMLParser):
    """The inputs a person fills in, the labels that name them, and the buttons of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[str] = []
        self.labelled: set[str] = set()
        self.buttons: list[str] = []
        self._label_depth = 0
        self._button: list[str] | None = None
        self.h1 = ""
        self._in_h1 = False
        self._in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "main":
            self._in_main = True
        if not self._in_main:  # the page's own parts, not the header's search box and buttons
            return
        if tag == "label":
            self._label_depth += 1
            if found.get("for"):
                self.labelled.add(str(found["for"]))
        elif tag in ("input", "textarea", "select") and found.get("type") not in ("hidden", "submit"):
            self.inputs.append(str(found.get("id")))
            if self._label_depth:
                self.labelled.add(str(found.get("id")))
        elif tag == "button":
            self._button = []
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        elif tag == "label" and self._in_main:  # the header's labels were never counted in
            self._label_depth -= 1
        elif tag == "button" and self._button is not None:
            self.buttons.append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.append(data)
        if self._in_h1:
            self.h1 += data


def site_page(response, h1: str) -> Form:  # type: ignore[no-untyped-def]
    """Asserts the page is one of the site's own, headed `h1`, and returns its form parts."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert '<header class="site-header">' in page and "css/redink.css" in page, "not in the site's layout"
    assert '<div class="account-page">' in page
    for words in FOREIGN_WORDS:
        assert words not in page, f"{words!r} on {response.request['PATH_INFO']}"
    form = Form()
    form.feed(page)
    assert " ".join(form.h1.split()) == h1
    assert not set(form.inputs) - form.labelled, f"inputs without a label: {set(form.inputs) - form.labelled}"
    return form


@pytest.fixture
def logged_in(client, student):  # type: ignore[no-untyped-def]
    client.force_login(student)
    return client


def reset_link(client: Client, email: str) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


class TestPagesForVisitors:
    def test_log_in(self, client):
        form = site_page(client.get("/accounts/login/"), "Log in")
        assert form.buttons == ["Log in"]
        page = client.get("/accounts/login/").content.decode()
        assert '<label for="id_login">E-mail address</label>' in page
        assert '<a href="/accounts/signup/">Sign up</a>' in page
        assert 'href="/accounts/password/reset/">Forgotten your password?</a>' in page

    def test_sign_up(self, client):
        form = site_page(client.get("/accounts/signup/"), "Sign up")
        assert form.buttons == ["Sign up"]
        page = client.get("/accounts/signup/").content.decode()
        assert '<a href="/accounts/login/">Log in</a>' in page

    def test_password_reset_and_its_done_page_link_contact_us_to_the_contact_page(self, client):
        form = site_page(client.get("/accounts/password/reset/"), "Reset your password")
        assert form.buttons == ["Send the link"]
        assert '<a href="/contact/">Please contact us</a>' in client.get("/accounts/password/reset/").content.decode()
        done = client.get("/accounts/password/reset/done/")
        site_page(done, "Check your e-mail")
        assert '<a href="/contact/">please contact us</a>' in done.content.decode()

    def test_reset_from_key_then_done(self, client, student):
        link = reset_link(client, student.email)
        response = client.get(link, follow=True)
        form = site_page(response, "Choose a new password")
        assert form.buttons == ["Save my new password"]
        action = response.redirect_chain[-1][0] if response.redirect_chain else link
        done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
        site_page(done, "Your password is changed")

    def test_a_used_or_broken_reset_link(self, client):
        response = client.get("/accounts/password/reset/key/1-not-a-real-key/", follow=True)
        site_page(response, "This link no longer works")
        assert 'href="/accounts/password/reset/">Send me a new link</a>' in response.content.decode()

    def test_verification_sent_links_contact_us(self, client):
        response = client.get("/accounts/confirm-email/")
        site_page(response, "Check your e-mail")
        assert '<a href="/contact/">please contact us</a>' in response.content.decode()

    def test_confirm_email_with_a_good_and_a_bad_key(self, client):
        address = EmailAddress.objects.get(user=UserFactory())
        address.verified = False
        address.save()
        key = EmailConfirmationHMAC(address).key
        form = site_page(client.get(f"/accounts/confirm-email/{key}/"), "Confirm your e-mail address")
        assert form.buttons == ["Confirm"]
        site_page(client.get("/accounts/confirm-email/not-a-key/"), "This link no longer works")

    def test_account_inactive(self, client):
        response = client.get("/accounts/inactive/")
        site_page(response, "This account is closed")
        assert '<a href="/contact/">please contact us</a>' in response.content.decode()


class TestPagesForMembers:
    def test_log_out_asks_in_the_sites_words(self, logged_in):
        form = site_page(logged_in.get("/accounts/logout/"), "Log out")
        assert form.buttons == ["Log out"]

    def test_change_password(self, logged_in):
        form = site_page(logged_in.get("/accounts/password/change/"), "Change your password")
        assert form.buttons == ["Change password"]

    def test_set_password_for_an_account_without_one(self, client):
        user = UserFactory()
        user.set_unusable_password()
        user.save()
        client.force_login(user)
        form = site_page(client.get("/accounts/password/set/"), "Set a password")
        assert form.buttons == ["Set password"]

    def test_email_management_with_a_change_pending(self, logged_in):
        logged_in.post("/accounts/email/", {"action_add": "", "email": "renamed@example.org"})
        response = logged_in.get("/accounts/email/")
        form = site_page(response, "Your e-mail address")
        page = response.content.decode()
        assert "renamed@example.org" in page and 'style="' not in page
        assert {"Send the link again", "Cancel the change", "Change e-mail address"} <= set(form.buttons)

    def test_reauthenticate(self, logged_in):
        form = site_page(logged_in.get("/accounts/reauthenticate/"), "Confirm it is you")
        assert form.buttons == ["Confirm"]


class TestErrors:
    def test_a_sign_up_error_sits_under_its_own_field(self, client):
        response = client.post(
            "/accounts/signup/",
            signup_data("new.student@example.org", NEW_PASSWORD, password2="something-else-42"),
        )
        assert response.status_code == 200
        page = response.content.decode()
        field = re.search(r'<div class="field field-error">(.*?)</div>', page, re.S)
        assert field, "no field marked as wrong"
        assert 'for="id_password2"' in field.group(1) and 'role="alert"' in field.group(1)
        assert 'aria-invalid="true"' in field.group(1)

    def test_a_wrong_password_is_said_above_the_form(self, client, student):
        response = client.post("/accounts/login/", {"login": student.email, "password": "not-" + PASSWORD})
        assert response.status_code == 200
        assert re.search(r'<div class="form-errors" role="alert"><p>[^<]+</p></div>', response.content.decode())


def test_messages_use_the_sites_words(client, student):
    response = client.post("/accounts/login/", {"login": student.email, "password": PASSWORD}, follow=True)
    assert "You are logged in." in response.content.decode()
    response = client.post("/accounts/logout/", follow=True)
    assert "You have logged out." in response.content.decode()
