"""Nobody learns whether an address has an account here: sign-up, login and password reset
answer an address that has one exactly as they answer one that has not, with the same page,
the same password-hashing work (so the same time) and one e-mail either way.

Sign-up with a taken address does not say "taken": the page is the usual "check your inbox"
one, and the address's owner is e-mailed that someone tried to sign up with it. Reset of an
unknown address e-mails that address to say it has no account (allauth's
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS), so a known and an unknown address each cost one e-mail.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from redink.accounts.tests.signup import signup_data
from redink.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "known.author@example.org"
UNKNOWN = "nobody.here@example.org"
NEW_PASSWORD = "a long and unusual passphrase 71"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return UserFactory(email=KNOWN, display_name="Known Author")


@pytest.fixture
def hashing(monkeypatch) -> Iterator[Counter[str]]:  # type: ignore[no-untyped-def]
    """How many passwords were hashed: a new hash made, or a stored one checked (the test
    hasher checks by hashing again, which is still one password's work)."""
    counts: Counter[str] = Counter()
    encode, verify = MD5PasswordHasher.encode, MD5PasswordHasher.verify

    def counted_encode(self, password, salt):  # type: ignore[no-untyped-def]
        if not counts["checking"]:
            counts["hashes"] += 1
        return encode(self, password, salt)

    def counted_verify(self, password, encoded):  # type: ignore[no-untyped-def]
        counts["hashes"] += 1
        counts["checking"] += 1
        try:
            return verify(self, password, encoded)
        finally:
            counts["checking"] -= 1

    monkeypatch.setattr(MD5PasswordHasher, "encode", counted_encode)
    monkeypatch.setattr(MD5PasswordHasher, "verify", counted_verify)
    yield counts


def page_text(response, *, address: str) -> str:  # type: ignore[no-untyped-def]
    """A page's body without its per-session CSRF token, and with the address the person typed
    (which the page may repeat back to them) in a neutral form."""
    return _CSRF.sub("", response.content.decode()).replace(address, "<address>")


def attempt(path: str, data: dict[str, str], hashing: Counter[str], *, address: str) -> tuple[int, str, str, int, int]:
    """(status, where it sends you, the page you land on, passwords hashed, e-mails sent),
    from a fresh browser each time."""
    client = Client()
    hashing.clear()
    sent_before = len(mail.outbox)
    response = client.post(path, data)
    hashes, sent = hashing["hashes"], len(mail.outbox) - sent_before
    location = response.get("Location", "")
    landing = client.get(location) if location else response
    return response.status_code, location, page_text(landing, address=address), hashes, sent


def test_sign_up_with_a_taken_address_looks_like_any_sign_up_and_tells_the_owner(owner, hashing):
    taken = attempt(reverse("account_signup"), signup_data(KNOWN, NEW_PASSWORD), hashing, address=KNOWN)
    fresh = attempt(reverse("account_signup"), signup_data(UNKNOWN, NEW_PASSWORD), hashing, address=UNKNOWN)

    assert taken[:3] == fresh[:3]
    assert taken[0] == 302
    assert "taken" not in taken[2].lower() and "already" not in taken[2].lower()
    assert taken[3] == fresh[3] == 1  # one password hashed either way
    assert taken[4] == fresh[4] == 1  # one e-mail either way

    to_owner, to_newcomer = (m for m in mail.outbox if m.to in ([KNOWN], [UNKNOWN]))
    assert to_owner.to == [KNOWN]
    assert "tried to sign up" in to_owner.body and "already has an account" in to_owner.body
    assert to_newcomer.to == [UNKNOWN] and "/accounts/confirm-email/" in to_newcomer.body
    # The owner's account is untouched: the password they had still works, no second account.
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert type(owner).objects.filter(email__iexact=KNOWN).count() == 1


def test_a_failed_login_reads_the_same_whether_or_not_the_address_has_an_account(owner, hashing):
    known = attempt(reverse("account_login"), {"login": KNOWN, "password": "not the password"}, hashing, address=KNOWN)
    unknown = attempt(
        reverse("account_login"), {"login": UNKNOWN, "password": "not the password"}, hashing, address=UNKNOWN
    )

    assert known[0] == unknown[0] == 200
    assert known[2] == unknown[2]
    assert "not correct" in known[2]
    assert known[3] == unknown[3] >= 1  # the same hashing work, so the same time
    assert known[4] == unknown[4] == 0


def test_a_password_reset_reads_the_same_and_sends_one_email_whether_or_not_the_address_is_known(owner, hashing):
    known = attempt(reverse("account_reset_password"), {"email": KNOWN}, hashing, address=KNOWN)
    unknown = attempt(reverse("account_reset_password"), {"email": UNKNOWN}, hashing, address=UNKNOWN)

    assert known[:3] == unknown[:3]
    assert known[0] == 302
    assert known[3] == unknown[3]
    assert known[4] == unknown[4] == 1
    reset, no_account = mail.outbox[-2:]
    assert reset.to == [KNOWN] and "/accounts/password/reset/key/" in reset.body
    assert no_account.to == [UNKNOWN] and "/accounts/password/reset/key/" not in no_account.body
