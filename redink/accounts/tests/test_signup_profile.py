"""Sign-up's own questions: display name, year of birth (the minimum age), the terms."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from redink.accounts import ages
from redink.privacy.models import TermsAcceptance
from redink.testing.factories import UserFactory

from .signup import signup_data

pytestmark = pytest.mark.django_db

PASSWORD = "a-new-and-long-passphrase-42"
User = get_user_model()


def sign_up(client, **overrides):  # type: ignore[no-untyped-def]
    return client.post("/accounts/signup/", signup_data("new@example.org", PASSWORD, **overrides))


def errors(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, "the form should have come back"
    return " ".join(str(e) for errs in response.context["form"].errors.values() for e in errs)


def test_sign_up_stores_the_display_name_year_and_terms_accepted(client, settings):
    assert sign_up(client, display_name="  Quiet   Reader ", birth_year=2000).status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Quiet Reader"
    assert user.birth_year == 2000
    assert user.profile_public, "someone certainly 16 or over starts with a public author page"
    acceptance = TermsAcceptance.objects.get(user=user)
    assert acceptance.version == settings.REDINK_TERMS_VERSION


def test_the_sign_up_form_asks_for_the_terms_with_links(client):
    page = client.get("/accounts/signup/").content.decode()
    assert "I accept the" in page and 'href="/terms/"' in page and 'href="/privacy/"' in page
    assert 'name="display_name"' in page and 'name="birth_year"' in page
    assert "Please accept the terms of use to sign up." in errors(sign_up(client, accept_terms=None))
    assert not User.objects.filter(email="new@example.org").exists()


def test_at_the_borderline_year_the_younger_age_counts(client, settings, monkeypatch):
    monkeypatch.setattr(ages, "this_year", lambda: 2026)
    settings.REDINK_MINIMUM_AGE = 13
    refused = sign_up(client, birth_year=2013)  # may still be 12 in 2026
    message = errors(refused)
    assert "you need to be at least 13" in message
    assert "We have not stored anything you entered." in message
    assert "from 1 January 2027" in message
    assert not User.objects.exists() and not TermsAcceptance.objects.exists() and not mail.outbox

    assert sign_up(client, birth_year=2012).status_code == 302
    user = User.objects.get()
    assert user.birth_year == 2012
    assert not user.profile_public, "a 13- or 14-year-old starts private"


def test_the_minimum_age_is_a_setting(client, settings, monkeypatch):
    monkeypatch.setattr(ages, "this_year", lambda: 2026)
    settings.REDINK_MINIMUM_AGE = 16
    assert "at least 16" in errors(sign_up(client, birth_year=2010))
    assert sign_up(client, birth_year=2009).status_code == 302


def test_a_15_year_old_starts_private_and_16_is_only_certain_a_year_later(monkeypatch):
    monkeypatch.setattr(ages, "this_year", lambda: 2026)
    assert not ages.public_by_default(birth_year=2010)  # 15 or 16 in 2026
    assert ages.public_by_default(birth_year=2009)
    assert not ages.public_by_default(birth_year=None)


def test_years_that_cannot_be_a_birth_year_are_refused_clearly(client):
    assert "the year you were born" in errors(sign_up(client, birth_year=1850))
    assert "the year you were born" in errors(sign_up(client, birth_year=3000))
    assert "the year you were born" in errors(sign_up(client, birth_year="nineteen"))


def test_a_name_someone_has_in_other_capitals_is_taken(client):
    UserFactory(display_name="Quiet Reader")
    assert "That display name is taken" in errors(sign_up(client, display_name="QUIET reader"))


def test_an_e_mail_address_as_display_name_is_refused(client):
    assert "cannot contain “@”" in errors(sign_up(client, display_name="new@example.org"))


def test_accounts_made_without_sign_up_start_private():
    assert not User.objects.create_superuser(email="admin@example.org", password=PASSWORD).profile_public
    assert not UserFactory().profile_public
