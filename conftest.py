"""Fixtures shared by every app's tests."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import HealthCheck, settings

from redink.testing import factories
from redink.testing.browser import axe, browser_context, chromium_browser, page  # noqa: F401 - browser fixtures, registered once

# CI runs a capped profile so the suite stays fast; a developer can ask for more with
# HYPOTHESIS_PROFILE=thorough.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def password() -> str:
    return factories.PASSWORD


@pytest.fixture
def student(db):  # type: ignore[no-untyped-def]
    """A free account: previews only."""
    return factories.UserFactory(display_name="Free Student")


@pytest.fixture
def member(db):  # type: ignore[no-untyped-def]
    user = factories.UserFactory(display_name="Paying Member")
    factories.grant_membership(user)
    return user


@pytest.fixture
def teacher(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Verified Teacher", is_verified_teacher=True)


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Moderator", is_staff=True)


@pytest.fixture
def section(db):  # type: ignore[no-untyped-def]
    level = factories.LevelFactory(name="GCSE", slug="gcse")
    subject = factories.SubjectFactory(level=level, name="History", slug="history")
    return factories.SectionFactory(
        subject=subject, name="International relations 1945-1991", slug="international-relations-1945-1991"
    )


@pytest.fixture
def essay(section):  # type: ignore[no-untyped-def]
    return factories.make_essay(section=section, title="How did relations between the superpowers change after 1945?")


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(request, settings):  # type: ignore[no-untyped-def]
    """Cheap password hashing in tests, and no cache entries carried from one test to the next.

    On SQLite the cache is the database cache (as in the one-command install), so it can only be
    cleared by a test that has the database; within a test its writes roll back with the rest."""
    from django.core.cache import cache, caches
    from django.core.cache.backends.db import DatabaseCache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from redink.search.scope import forget_level_names

    forget_level_names()  # levels are looked up once a minute per process; each test makes its own
    in_database = isinstance(caches["default"], DatabaseCache)
    if in_database:
        names = request.fixturenames
        if request.node.get_closest_marker("django_db") is None:
            if "transactional_db" in names or "live_server" in names:
                request.getfixturevalue("transactional_db")
            elif "db" in names:
                request.getfixturevalue("db")
            else:
                yield  # no database, so nothing in the cache to clear
                return
    cache.clear()
    yield
    if not in_database:
        # A test may have pointed the cache at a server that is down (the fail-open test).
        with contextlib.suppress(Exception):
            cache.clear()


@pytest.fixture(autouse=True)
def _search_index_empty_for_transactional_tests(request):  # type: ignore[no-untyped-def]
    """A test with real transactions starts with an empty search index. Between such tests the
    database is emptied table by table, and the search index's tables are not Django models:
    rows an earlier test indexed (the demo library's, say) would still be found, for essays
    that no longer exist."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from redink.search.backends import get_backend

        get_backend().clear()
    yield
