"""The contact page: the operator's address, which the account pages' "contact us" links to."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


def test_the_contact_page_gives_the_operators_address(client, settings):
    settings.REDINK_CONTACT_EMAIL = "help@essays.example.org"
    response = client.get("/contact/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Contact us</h1>" in page
    assert '<a href="mailto:help@essays.example.org">help@essays.example.org</a>' in page


def settings_value(name: str, **environ: str) -> str:
    env = {key: value for key, value in os.environ.items() if key not in {"REDINK_CONTACT_EMAIL", "DEFAULT_FROM_EMAIL"}}
    env.update(environ, DJANGO_SETTINGS_MODULE="redink.settings")
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR
    )
    return done.stdout.strip()


def test_the_contact_address_defaults_to_the_address_e_mails_come_from():
    assert settings_value("REDINK_CONTACT_EMAIL", DEFAULT_FROM_EMAIL="Essays <hello@essays.example.org>") == (
        "hello@essays.example.org"
    )
    assert settings_value("REDINK_CONTACT_EMAIL", REDINK_CONTACT_EMAIL="desk@example.org") == "desk@example.org"
