"""One client address and one rate-limit mechanism, counted in the shared cache: the database
cache of the one-command install or Redis, never a process's own memory."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from redink.core.clients import client_ip, client_key
from redink.testing.environment import services_required

pytestmark = pytest.mark.django_db


class TestClientAddress:
    def test_without_a_trusted_proxy_forwarded_for_is_ignored(self, settings):
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request) == "192.0.2.1"

    def test_each_trusted_proxy_is_one_entry_from_the_right(self, settings):
        request = RequestFactory().get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.2"
        )
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(request) == "10.0.0.2"
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(request) == "198.51.100.7"

    def test_a_request_that_bypassed_the_proxy_is_counted_by_where_it_came_from(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert client_ip(request) == "192.0.2.44"
        settings.TRUSTED_PROXY_COUNT = 1
        garbage = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="not-an-address")
        assert client_ip(garbage) == "192.0.2.44"

    def test_ipv6_clients_are_counted_by_their_network_and_mapped_ipv4_as_ipv4(self):
        one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
        two = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::99")
        assert client_key(one) == client_key(two) == "2001:db8:1:2::/64"
        assert client_key(RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.5")) == "192.0.2.5"


class TestSearchLimits:
    def test_past_the_limit_a_search_gets_429_with_a_page_that_says_when(self, client, settings):
        settings.REDINK_SEARCHES_PER_MINUTE = 5
        for _ in range(5):
            assert client.get("/search/", {"q": "cuba"}).status_code == 200
        refused = client.get("/search/", {"q": "cuba"})
        assert refused.status_code == 429
        wait = int(refused["Retry-After"])
        assert 1 <= wait <= 60
        page = refused.content.decode()
        assert "Please slow down" in page and "try again in" in page
        assert "private" in refused["Cache-Control"], "a shared cache must never keep a 429 for everyone"
        assert Client(REMOTE_ADDR="192.0.2.200").get("/search/", {"q": "cuba"}).status_code == 200

    def test_suggestions_answer_429_as_json(self, client, settings):
        settings.REDINK_SUGGESTIONS_PER_MINUTE = 2
        for _ in range(2):
            assert client.get("/search/suggest/", {"q": "cu"}).status_code == 200
        refused = client.get("/search/suggest/", {"q": "cu"})
        assert refused.status_code == 429 and "retry_after" in refused.json()
        assert int(refused["Retry-After"]) >= 1


COUNT = textwrap.dedent(
    """
    import django, os, time
    django.setup()
    from redink.core.ratelimit import Rate, limit_consume
    time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))  # both processes start counting together
    rate = Rate(300, 3600)
    print(sum(limit_consume(scope="shared", ident="one client", rate=rate).allowed for _ in range(200)))
    """
)


def counts_in_two_processes(env: dict[str, str]) -> list[int]:
    env = {**env, "START_AT": str(time.time() + 4)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", COUNT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results.append(int(out.split()[-1]))
    return results


def child_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "redink.settings",
        "PYTHONPATH": str(Path(django_settings.BASE_DIR)),
        "SECRET_KEY": "two-process-test",
        "DEBUG": "0",
        **extra,
    }


def test_two_processes_share_one_count_in_the_database_cache(tmp_path):
    env = child_env(DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}", REDIS_URL="")
    manage = [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300)
    counts = counts_in_two_processes(env)
    assert sum(counts) == 300, f"the processes allowed {counts}: together exactly the limit"


def test_two_processes_share_one_count_in_redis():
    # This test starts its own processes, so it needs no Redis-backed run around it: with
    # services required it uses the machine's Redis on both the SQLite and the PostgreSQL run.
    url = os.environ.get("REDINK_TEST_REDIS_URL", "")
    if not url:
        if not services_required():
            pytest.skip("no Redis (set REDINK_TEST_REDIS_URL)")
        url = "redis://127.0.0.1:6379/14"
    import redis

    redis.Redis.from_url(url).flushdb()  # fails loudly when Redis is required and down
    counts = counts_in_two_processes(child_env(REDIS_URL=url, CACHE_KEY_PREFIX="two-process-test"))
    assert sum(counts) == 300, counts


def test_if_the_cache_is_down_limits_let_requests_through_and_say_so(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.REDINK_SEARCHES_PER_MINUTE = 1
    with caplog.at_level(logging.WARNING, logger="redink.core.ratelimit"):
        for _ in range(3):
            assert client.get("/search/", {"q": "cuba"}).status_code == 200
    assert "the cache is unreachable" in caplog.text


class TestHeaders:
    def test_every_page_sends_a_permissions_policy(self, client):
        policy = client.get("/")["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy

    def test_logged_in_pages_are_private_and_never_stored(self, client, student):
        client.force_login(student)
        response = client.get("/")
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


@pytest.mark.postgresql
def test_two_processes_share_one_count_in_the_database_cache_on_postgresql(tmp_path):
    """The database cache on PostgreSQL (an operator without Redis) counts under an advisory lock."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the suite is running on SQLite")
    import psycopg

    name = "redink_ratelimit_check"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        env = child_env(DATABASE_URL=f"{base}/{name}", REDIS_URL="")
        manage = [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True, timeout=300)
        counts = counts_in_two_processes(env)
        assert sum(counts) == 300, counts
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
