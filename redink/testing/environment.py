"""Loaded by pytest before Django starts (see pyproject.toml): the test environment.

Tests run with DEBUG off, as production does, so nothing passes only in demo mode.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ["REDIS_URL"] = os.environ.get("REDINK_TEST_REDIS_URL", "")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def services_required() -> bool:
    return os.environ.get("REDINK_REQUIRE_SERVICES") == "1"
