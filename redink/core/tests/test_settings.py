import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings apply to SQLite only")
def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout(tmp_path):
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert wrapper.transaction_mode == "IMMEDIATE"  # Django issues BEGIN IMMEDIATE
    finally:
        wrapper.close()


def test_an_empty_variable_means_the_default(monkeypatch):
    from redink.settings import env_bool, env_float, env_int, env_list

    for name in ("REDINK_PROBE_BOOL", "REDINK_PROBE_INT", "REDINK_PROBE_FLOAT", "REDINK_PROBE_LIST"):
        monkeypatch.setenv(name, "")
    assert env_bool("REDINK_PROBE_BOOL", True) is True
    assert env_int("REDINK_PROBE_INT", 7) == 7
    assert env_float("REDINK_PROBE_FLOAT", 0.5) == 0.5
    assert env_list("REDINK_PROBE_LIST", ["a"]) == ["a"]
    monkeypatch.setenv("REDINK_PROBE_BOOL", " Yes ")
    monkeypatch.setenv("REDINK_PROBE_LIST", "a.example, ,b.example")
    assert env_bool("REDINK_PROBE_BOOL", False) is True
    assert env_list("REDINK_PROBE_LIST", []) == ["a.example", "b.example"]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_postgresql_keeps_a_repeated_statement_prepared():
    """A page's queries are planned once per connection, not on every request."""
    from redink.catalogue.models import Essay

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    for _ in range(6):
        list(Essay.objects.filter(slug="no-such-essay").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"catalogue_essay"."slug" = $1' in statement for statement in prepared), prepared
