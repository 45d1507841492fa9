"""The suite really runs against the services CI names; it never silently falls back."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from redink.testing.environment import services_required


@pytest.mark.django_db
def test_database_is_the_one_asked_for():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    else:
        assert connection.vendor == "sqlite"


def test_redis_cache_when_configured():
    if not os.environ.get("REDINK_TEST_REDIS_URL"):
        # CI's PostgreSQL run is the production-shaped one: Redis is required there.
        if services_required() and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail("REDINK_REQUIRE_SERVICES=1 on PostgreSQL but REDINK_TEST_REDIS_URL is not set")
        pytest.skip("no Redis configured for this run (set REDINK_TEST_REDIS_URL)")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("redink-ci-probe", "ok", 10)
    assert cache.get("redink-ci-probe") == "ok"
