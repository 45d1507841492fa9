"""Passwords are stored with Argon2, and an older PBKDF2 hash is upgraded when its owner logs in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

import redink.settings as production_settings
from redink.testing.factories import UserFactory

from .signup import signup_data

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-and-memorable-passphrase-7"


@pytest.fixture(autouse=True)
def _production_hashers(settings):  # type: ignore[no-untyped-def]
    """The hashers the site runs with, not the test suite's fast MD5."""
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS


def stored_hash(email: str) -> str:
    return str(get_user_model().objects.get(email=email).password)


def test_argon2_is_the_first_hasher_in_production():
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_new_users_password_is_stored_with_argon2(client):
    response = client.post("/accounts/signup/", signup_data("new.author@example.org", PASSPHRASE))
    assert response.status_code == 302
    assert stored_hash("new.author@example.org").startswith("argon2$")


def test_a_pbkdf2_password_still_logs_in_and_is_upgraded_to_argon2(client):
    user = UserFactory(email="older.account@example.org")
    user.password = make_password(PASSPHRASE, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert stored_hash(user.email).startswith("pbkdf2_sha256$")

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSPHRASE}, follow=True)

    assert "You are logged in." in response.content.decode()
    assert client.get("/accounts/").status_code == 200
    assert stored_hash(user.email).startswith("argon2$")
    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSPHRASE}, follow=True)
    assert "You are logged in." in response.content.decode()  # the new hash works too


def test_a_wrong_password_does_not_change_the_stored_hash(client):
    user = UserFactory(email="older.account@example.org")
    user.password = make_password(PASSPHRASE, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = client.post("/accounts/login/", {"login": user.email, "password": "not-" + PASSPHRASE})

    assert response.status_code == 200
    assert client.get("/accounts/").status_code == 302  # not logged in
    assert stored_hash(user.email).startswith("pbkdf2_sha256$")
