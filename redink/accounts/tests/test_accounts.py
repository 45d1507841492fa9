"""Accounts on django-allauth: sign-up with e-mail verification, password reset, change of e-mail,
rate-limited logins, e-mail through Django's backend, and production security settings."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from redink.testing.factories import PASSWORD, UserFactory
from redink.testing.production import production_values

from .signup import signup_data

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-42"


def link_in(message: mail.EmailMessage, path: str) -> str:
    found = re.search(rf"{re.escape(django_settings.SITE_URL)}({re.escape(path)}[^\s]+)", message.body)
    assert found, f"no {path} link in: {message.body}"
    return found.group(1)


def log_in(client: Client, email: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


class TestSignUpAndVerification:
    def test_sign_up_sends_a_verification_e_mail_and_the_link_verifies_and_logs_in(self, client):
        response = client.post(
            "/accounts/signup/",
            signup_data("new.student@example.org", NEW_PASSWORD),
        )
        assert response.status_code == 302
        (message,) = mail.outbox
        assert message.to == ["new.student@example.org"]
        assert message.subject.startswith("[Redink] ")
        user = get_user_model().objects.get(email="new.student@example.org")
        assert not EmailAddress.objects.get(user=user).verified
        # Until verified, logging in leads back to the "verify your e-mail" page.
        assert "/accounts/confirm-email/" in log_in(Client(), "new.student@example.org", NEW_PASSWORD)["Location"]

        confirm = link_in(message, "/accounts/confirm-email/")
        assert client.get(confirm).status_code == 200
        assert client.post(confirm).status_code == 302
        assert EmailAddress.objects.get(user=user).verified
        assert client.get("/accounts/").status_code == 200  # logged in

    def test_e_mail_goes_through_djangos_backend(self):
        assert django_settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


class TestPasswordReset:
    def test_a_reset_link_is_e_mailed_and_sets_a_new_password(self, client, student):
        client.post("/accounts/password/reset/", {"email": student.email})
        (message,) = mail.outbox
        assert message.to == [student.email]
        link = link_in(message, "/accounts/password/reset/key/")
        form = client.get(link, follow=True)
        action = form.redirect_chain[-1][0] if form.redirect_chain else link
        response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert log_in(Client(), student.email, NEW_PASSWORD).status_code == 302
        assert not Client().login(email=student.email, password=PASSWORD)

    def test_an_unknown_address_gets_no_reset_link_and_no_hint(self, client):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


class TestChangeEmail:
    def test_a_new_address_replaces_the_old_one_once_verified(self, client, student):
        client.force_login(student)
        response = client.post("/accounts/email/", {"action_add": "", "email": "renamed@example.org"})
        assert response.status_code == 302
        verification = next(m for m in mail.outbox if m.to == ["renamed@example.org"])
        student.refresh_from_db()
        assert student.email != "renamed@example.org"
        page = client.get("/accounts/email/").content.decode()
        assert 'style="' not in page  # the Content-Security-Policy blocks inline styles
        client.post(link_in(verification, "/accounts/confirm-email/"))
        student.refresh_from_db()
        assert student.email == "renamed@example.org"
        assert list(EmailAddress.objects.filter(user=student).values_list("email", "primary", "verified")) == [
            ("renamed@example.org", True, True)
        ]


def fail(client: Client, email: str, times: int) -> None:
    for _ in range(times):
        assert log_in(client, email, "wrong-password").status_code == 200


class TestLoginRateLimiting:
    def test_repeated_failures_pause_the_account_from_that_address(self, client, student, settings):
        fail(client, student.email, settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT)
        locked = log_in(client, student.email.upper(), PASSWORD)
        assert locked.status_code == 429, "even the right password is refused while paused"
        assert int(locked["Retry-After"]) > 0
        page = locked.content.decode()
        assert "Too many failed log-ins" in page and "Logging in from anywhere else still works" in page
        assert "_auth_user_id" not in client.session

    def test_the_pause_is_for_that_account_and_address_only(self, client, student, settings):
        other = UserFactory()
        fail(client, student.email, settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT)
        assert log_in(Client(), other.email, PASSWORD).status_code == 302, "another account from the same address"
        elsewhere = Client(REMOTE_ADDR="203.0.113.9")
        assert log_in(elsewhere, student.email, PASSWORD).status_code == 302, "the same account from elsewhere"
        assert log_in(Client(), student.email, PASSWORD).status_code == 429, "still paused from the first address"

    def test_a_shared_school_address_keeps_logging_in_after_others_mistype(self, student, settings):
        settings.REDINK_LOGIN_FAILURES_PER_ADDRESS = 40
        school = Client(REMOTE_ADDR="198.51.100.20")
        for n in range(39):  # 39 pupils mistype their own passwords once each
            fail(school, f"pupil{n}@school.example", 1)
        assert log_in(school, student.email, PASSWORD).status_code == 302
        fail(Client(REMOTE_ADDR="198.51.100.20"), "pupil99@school.example", 1)
        paused = log_in(Client(REMOTE_ADDR="198.51.100.20"), "pupil7@school.example", "whatever")
        assert paused.status_code == 429 and "from your network" in paused.content.decode()
        assert log_in(Client(REMOTE_ADDR="192.0.2.1"), student.email, PASSWORD).status_code == 302

    def test_a_success_resets_the_count(self, client, student, settings):
        fail(client, student.email, settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT - 1)
        assert log_in(client, student.email, PASSWORD).status_code == 302
        fail(Client(), student.email, settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT - 1)
        assert log_in(Client(), student.email, PASSWORD).status_code == 302

    def test_a_completed_password_reset_lifts_the_pause(self, student, settings):
        attacker = Client()
        fail(attacker, student.email, settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT)
        assert log_in(Client(), student.email, PASSWORD).status_code == 429
        owner = Client()
        owner.post("/accounts/password/reset/", {"email": student.email})
        link = link_in(mail.outbox[-1], "/accounts/password/reset/key/")
        form = owner.get(link, follow=True)
        action = form.redirect_chain[-1][0] if form.redirect_chain else link
        assert owner.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
        assert log_in(Client(), student.email, NEW_PASSWORD).status_code == 302, "paused no more"

    def test_the_admin_login_is_limited_the_same_way(self, staff, settings):
        admin = Client()
        for _ in range(settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT):
            admin.post("/admin/login/", {"username": staff.email, "password": "wrong"})
        assert admin.post("/admin/login/", {"username": staff.email, "password": PASSWORD}).status_code == 429
        elsewhere = Client(REMOTE_ADDR="203.0.113.50")
        response = elsewhere.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
        assert response.status_code == 302

    def test_the_login_address_follows_the_trusted_proxy_count(self, student, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # Behind one proxy, REMOTE_ADDR is the proxy: each client is its own X-Forwarded-For entry.
        for n in range(settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT):
            log_in(Client(), student.email, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.1")
        proxied = log_in(Client(), student.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")
        assert proxied.status_code == 302, "the failures were 198.51.100.1's, not this client's"

    def test_sign_ups_and_reset_e_mails_are_limited_per_address_and_per_e_mail(self, student, settings):
        settings.REDINK_SIGNUPS_PER_HOUR = 2
        settings.REDINK_PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 2
        for n in range(2):
            data = signup_data(f"s{n}@example.org", NEW_PASSWORD)
            assert Client().post("/accounts/signup/", data).status_code == 302
        data = signup_data("s9@example.org", NEW_PASSWORD)
        refused = Client().post("/accounts/signup/", data)
        assert refused.status_code == 429 and "accounts have been made from your connection" in refused.content.decode()
        assert Client(REMOTE_ADDR="192.0.2.9").post("/accounts/signup/", data).status_code == 302
        for n in range(2):
            Client(REMOTE_ADDR=f"198.51.100.{n}").post("/accounts/password/reset/", {"email": student.email})
        sent = len(mail.outbox)
        again = Client(REMOTE_ADDR="198.51.100.99").post("/accounts/password/reset/", {"email": student.email})
        assert again.status_code == 429 and "spam folder" in again.content.decode()
        assert len(mail.outbox) == sent

    def test_the_test_client_can_still_log_in_without_a_request(self, student):
        assert Client().login(email=student.email, password=PASSWORD)


def test_forms_need_their_csrf_token(student):
    client = Client(enforce_csrf_checks=True)
    assert log_in(client, student.email, PASSWORD).status_code == 403
    client.force_login(student)
    assert client.post("/accounts/email/", {"action_add": "", "email": "x@example.org"}).status_code == 403


def production_settings(**env: str) -> dict:  # type: ignore[type-arg]
    """The settings a production process (DEBUG off, nothing else set) would run with."""
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_PROXY_SSL_HEADER",
        "CONTENT_SECURITY_POLICY",
        "REDINK_ALLOW_TEST_CHECKOUT",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL",
    ]
    return production_values(*names, **env)


def test_production_mode_sets_secure_cookies_hsts_and_a_content_security_policy():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"]
    # Trusted only behind a proxy of our own (TRUSTED_PROXY_COUNT; core/tests/test_headers_csp.py).
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert values["REDINK_ALLOW_TEST_CHECKOUT"] is False
    assert values["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == "https"
    demo = production_settings(DEBUG="1")
    assert not demo["SESSION_COOKIE_SECURE"] and demo["SECURE_HSTS_SECONDS"] == 0
