"""The read replica: visitors browse through it, everyone who may need fresh data reads the primary.

Two real connections: "replica" is a second connection to the test database (as DATABASE_REPLICA_URL
with its TEST MIRROR gives in a suite run), so which connection ran a page's queries proves where a
production request would have read.
"""

from __future__ import annotations

import importlib.util
import time

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from redink.ops import replica as replica_module
from redink.testing import factories

# The alias DATABASE_REPLICA_URL adds, made before the test databases are set up, so that the
# suite's setup makes it a mirror of the test database exactly as it would with the variable set.
connections.settings.setdefault("replica", {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}})

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

MIDDLEWARE = "redink.ops.replica.ReplicaMiddleware"


@pytest.fixture
def replica(settings):  # type: ignore[no-untyped-def]
    """The router and the middleware, installed as settings.py installs them with DATABASE_REPLICA_URL."""
    settings.DATABASE_ROUTERS = ["redink.ops.routers.ReplicaRouter"]
    if MIDDLEWARE not in settings.MIDDLEWARE:  # (a run with DATABASE_REPLICA_URL set has it already)
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1, MIDDLEWARE)
        settings.MIDDLEWARE = middleware
    settings.REDINK_REPLICA_PIN_SECONDS = 1.0
    replica_module.replica_outage_forget()
    yield connections["replica"]
    replica_module.replica_outage_forget()


def _essay_reads(client, url: str, **kwargs):  # type: ignore[no-untyped-def]
    """The response, and how many queries of the essay table each connection ran for it."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        response = client.get(url, **kwargs)
    assert response.status_code == 200

    def essay_queries(captured: CaptureQueriesContext) -> int:
        return sum('"catalogue_essay"' in query["sql"] for query in captured.captured_queries)

    return response, essay_queries(primary), essay_queries(copy)


def test_visitors_browse_through_the_replica_and_members_read_the_primary(client, replica, essay, member):
    for url in (essay.get_absolute_url(), essay.section.get_absolute_url(), "/", "/search/?q=superpowers"):
        response, on_primary, on_replica = _essay_reads(client, url)
        assert on_replica > 0 and on_primary == 0, url
    assert response["Cache-Control"].startswith("public")  # still shareable by nginx

    client.force_login(member)
    response, on_primary, on_replica = _essay_reads(client, essay.get_absolute_url())
    assert on_primary > 0 and on_replica == 0
    assert factories.SAMPLE_PARAGRAPHS[-1] in response.content.decode()  # the member's full text


def test_a_visitor_reads_their_own_write_from_the_primary_until_the_pin_ends(client, replica, essay):
    filed = client.post(
        f"/report/{essay.slug}/",
        {
            "name": "A. Publisher",
            "email": "rights@example.org",
            "claim": "This essay copies a chapter of a book we publish.",
            "original_url": "https://example.org/book",
            "good_faith": "on",
        },
    )
    assert filed.status_code == 200
    assert "redink_pin" in filed.cookies
    assert "private" in filed["Cache-Control"]  # the answer that pins is never shared

    _, on_primary, on_replica = _essay_reads(client, essay.get_absolute_url())
    assert on_primary > 0 and on_replica == 0

    time.sleep(django_settings.REDINK_REPLICA_PIN_SECONDS + 0.2)
    _, on_primary, on_replica = _essay_reads(client, essay.get_absolute_url())
    assert on_replica > 0 and on_primary == 0


def test_the_reading_beacon_and_a_forged_pin_do_not_pin(client, replica, essay):
    beacon = client.post(f"/essays/{essay.slug}/read/")
    assert beacon.status_code == 204
    assert "redink_pin" not in beacon.cookies

    client.cookies["redink_pin"] = f"{time.time() + 3600}"  # unsigned: a pin Redink never set
    _, on_primary, on_replica = _essay_reads(client, essay.get_absolute_url())
    assert on_replica > 0 and on_primary == 0


def test_a_replica_that_cannot_be_reached_sends_visitors_to_the_primary(client, replica, essay, caplog, monkeypatch):
    if replica.vendor == "sqlite":
        monkeypatch.setitem(replica.settings_dict, "NAME", "/nonexistent-directory/replica.sqlite3")
    else:
        monkeypatch.setitem(replica.settings_dict, "PORT", 1)  # nothing listens there
    replica.close()  # (an in-memory SQLite database ignores close() until its name is a file's)
    response = client.get(essay.get_absolute_url())
    replica.close()
    assert response.status_code == 200
    assert essay.title in response.content.decode()
    assert "The read replica is unreachable" in caplog.text


def _settings_module(monkeypatch, **environ: str):  # type: ignore[no-untyped-def]
    """settings.py evaluated afresh under the given environment (without touching the running Django)."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "redink_settings_probe", django_settings.BASE_DIR / "redink" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_replica_is_configured_only_when_its_url_is_set(monkeypatch):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    plain = _settings_module(monkeypatch, DATABASE_URL="postgres://redink@db.internal/redink")
    assert "replica" not in plain.DATABASES
    assert MIDDLEWARE not in plain.MIDDLEWARE
    assert not getattr(plain, "DATABASE_ROUTERS", [])

    replicated = _settings_module(monkeypatch, DATABASE_REPLICA_URL="postgres://redink@replica.internal/redink")
    assert replicated.DATABASES["replica"]["HOST"] == "replica.internal"
    assert replicated.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
    assert replicated.DATABASE_ROUTERS == ["redink.ops.routers.ReplicaRouter"]
    auth = replicated.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert replicated.MIDDLEWARE[auth + 1] == MIDDLEWARE

    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="same engine"):
        _settings_module(monkeypatch, DATABASE_REPLICA_URL="sqlite:///replica.sqlite3")
