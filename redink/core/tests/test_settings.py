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
