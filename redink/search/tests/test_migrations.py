"""The search app's one migration: it makes the tables the ten migrations it replaces made, and
a database those ten migrated carries on without running anything again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from redink.search.backends.postgres.indexing import DOCUMENT_INDEXES
from redink.search.selectors import search_essays
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db

SQUASH = ("search", "0001_squashed_0010_title_prefixes")
# The schema a database had after migrations 0001-0010 (read off fresh SQLite and PostgreSQL
# databases migrated by them, before they were squashed).
BEFORE = json.loads((Path(__file__).parent / "data" / "schema_before_squash.json").read_text())


def search_schema() -> Any:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name LIKE 'search%' ORDER BY name"
            )
            return [list(row) for row in cursor.fetchall()]
        schema: dict[str, Any] = {}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('search_document', 'search_words') ORDER BY indexname"
        )
        schema["indexes"] = [list(row) for row in cursor.fetchall()]
        cursor.execute(
            """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attstorage,
                      coalesce(a.attcompression::text, ''), pg_get_expr(d.adbin, d.adrelid)
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
               WHERE c.relname IN ('search_document', 'search_words') AND a.attnum > 0 AND NOT a.attisdropped
               ORDER BY c.relname, a.attnum"""
        )
        schema["columns"] = [list(row) for row in cursor.fetchall()]
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('search_document', 'search_words') "
            "ORDER BY relname"
        )
        schema["options"] = [list(row) for row in cursor.fetchall()]
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        schema["extensions"] = [row[0] for row in cursor.fetchall()]
        return schema


@pytest.mark.postgresql  # and on SQLite, SQLite's tables
def test_the_migration_makes_the_tables_the_ten_it_replaces_made():
    if connection.vendor not in BEFORE:
        pytest.skip("the search index is kept on SQLite and PostgreSQL")
    assert search_schema() == BEFORE[connection.vendor]


@pytest.mark.postgresql
def test_the_rebuild_drops_and_builds_exactly_the_indexes_the_migration_made():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's rebuild drops the document table's indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_document' AND indexname <> 'search_document_pkey'"
        )
        assert {row[0] for row in cursor.fetchall()} == set(DOCUMENT_INDEXES)


def test_a_database_migrated_before_the_squash_carries_on(section):
    recorder = MigrationRecorder(connection)
    # As such a database records it: the ten old migrations, not the one that replaces them.
    recorder.record_unapplied(*SQUASH)
    replaced = MigrationLoader(connection).disk_migrations[SQUASH].replaces
    assert len(replaced) == 10
    for app, name in replaced:
        recorder.record_applied(app, name)

    call_command("migrate", verbosity=0)

    assert SQUASH in MigrationLoader(connection).applied_migrations
    assert set(replaced) <= set(recorder.applied_migrations())
    essay = make_essay(section=section, title="Urban regeneration in Salford", text="Quays.\n\nMedia city.")
    results = search_essays(raw="regeneration", params={}, viewer=None).results
    assert [result.essay.pk for result in results] == [essay.pk]
