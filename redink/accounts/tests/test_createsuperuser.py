"""A superuser made with `manage.py createsuperuser` logs in to the site, not only the admin:
its e-mail address is recorded as verified, so allauth does not ask to verify it."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSPHRASE = "the-head-librarian-passphrase-19"


@pytest.fixture
def superuser_password(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSPHRASE)
    return PASSPHRASE


def test_a_new_superuser_logs_in_to_the_site_without_verifying_its_address(client, superuser_password):
    call_command("createsuperuser", "--noinput", email="head.librarian@example.org", verbosity=0)

    user = get_user_model().objects.get(email="head.librarian@example.org")
    assert user.is_superuser and user.is_staff
    address = EmailAddress.objects.get(user=user)
    assert address.email == "head.librarian@example.org" and address.verified and address.primary

    response = client.post(
        "/accounts/login/", {"login": "head.librarian@example.org", "password": superuser_password}, follow=True
    )
    assert "/accounts/confirm-email/" not in [url for url, _ in response.redirect_chain]
    assert "You are logged in." in response.content.decode()
    account = client.get("/accounts/")
    assert account.status_code == 200
    assert "head.librarian@example.org" in account.content.decode()


def test_an_address_typed_with_capitals_is_verified_as_stored(client, superuser_password):
    call_command("createsuperuser", "--noinput", email="Head.Librarian@Example.ORG", verbosity=0)

    response = client.post(
        "/accounts/login/", {"login": "head.librarian@example.org", "password": superuser_password}, follow=True
    )
    assert "You are logged in." in response.content.decode()
    assert EmailAddress.objects.get().verified


def test_a_taken_address_is_refused_and_verifies_nobody(superuser_password):
    existing = UserFactory(email="taken@example.org")
    EmailAddress.objects.filter(user=existing).update(verified=False)

    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", email="taken@example.org", verbosity=0)

    assert get_user_model().objects.filter(is_superuser=True).count() == 0
    assert not EmailAddress.objects.get(user=existing).verified
