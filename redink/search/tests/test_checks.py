"""The system check that says what the database lacks for search."""

from __future__ import annotations

import pytest
from django.db import connection

from redink.search.checks import search_backend_check

pytestmark = pytest.mark.django_db


@pytest.mark.postgresql
def test_a_migrated_postgresql_without_pg_trgm_is_warned_about():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's extensions")
    assert search_backend_check(databases=["default"]) == []
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")  # undone with the test's transaction
    warnings = search_backend_check(databases=["default"])
    assert [w.id for w in warnings] == ["redink.search.W003"]
    assert "CREATE EXTENSION pg_trgm" in warnings[0].msg


@pytest.mark.postgresql
def test_migrate_on_a_new_postgresql_database_is_not_warned_about_what_it_is_about_to_create():
    """The checks run as `migrate` starts, before the search app's first migration makes the
    extension: an empty database is not missing anything yet."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's extensions")
    with connection.cursor() as cursor:  # as before that migration; undone with the test's transaction
        cursor.execute("DROP TABLE search_words CASCADE")
        cursor.execute("DROP EXTENSION pg_trgm CASCADE")
    assert search_backend_check(databases=["default"]) == []
