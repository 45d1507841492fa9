"""`warm_database`: the site's tables, their indexes and out-of-line storage are read whole before
a stack takes requests; the originality check's signatures are not; where PostgreSQL will not let
the extension be created, nothing is read and the operator is told what to run."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation

from redink.ops.warm import read_sqlite_files, skipped_tables, warm_database
from redink.testing import factories

pytestmark = pytest.mark.django_db

LONG_TEXT = "\n\n".join(["The harvest failed three years running, and the villages emptied." * 40] * 8)


def _owning_table(name: str) -> str:
    """The table a relation belongs to: itself, the table of an index, or the table of a TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(
                (SELECT t.relname FROM pg_class t WHERE t.reltoastrelid = r.oid),
                (SELECT t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = r.oid
                   AND t.relkind <> 't'),
                (SELECT t.relname FROM pg_index i JOIN pg_class toast ON toast.oid = i.indrelid
                   JOIN pg_class t ON t.reltoastrelid = toast.oid WHERE i.indexrelid = r.oid),
                r.relname)
            FROM pg_class r WHERE r.oid = %s::regclass
            """,
            [name],
        )
        return str(cursor.fetchone()[0])


@pytest.mark.postgresql
def test_postgresql_reads_every_page_table_with_its_indexes_and_toast_but_not_the_signatures():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pg_prewarm")
    factories.make_essay(title="Why the harvests failed", text=LONG_TEXT)
    warmed = warm_database()

    assert warmed.skipped_because == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'catalogue_essay'")
        essay_toast = cursor.fetchone()[0]
        cursor.execute(
            "SELECT sum(pg_relation_size(name::regclass)) FROM unnest(%s::text[]) AS name", [list(warmed.relations)]
        )
        whole = cursor.fetchone()[0]
    # The essay's row, its long text's storage and the index its address is found by; search's table.
    assert {"catalogue_essay", essay_toast, "catalogue_essay_slug_key", "search_document"} <= set(warmed.relations)
    # Every block of every relation listed was read, and nothing else.
    assert warmed.bytes_read == whole > 0
    owners = {_owning_table(name) for name in warmed.relations}
    assert set(skipped_tables()) == {"submissions_signatureband", "submissions_textsignature"}
    assert not owners & set(skipped_tables())
    assert "submissions_submission" in owners  # the uploads' own rows, which pages show
    assert "Read " in warmed.summary() and "tables and indexes" in warmed.summary()


@pytest.mark.postgresql
def test_postgresql_without_the_right_to_create_the_extension_reads_nothing_and_says_what_to_run():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's pg_prewarm")
    with connection.cursor() as cursor:  # all undone with the test's transaction
        cursor.execute("DROP EXTENSION IF EXISTS pg_prewarm")
        cursor.execute("CREATE ROLE redink_warm_tester")
        cursor.execute("SET ROLE redink_warm_tester")
    try:
        errors = io.StringIO()
        call_command("warm_database", stdout=io.StringIO(), stderr=errors)
        warmed = warm_database()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert warmed.relations == () and warmed.bytes_read == 0
    assert "CREATE EXTENSION pg_prewarm" in warmed.skipped_because
    assert "Nothing read" in errors.getvalue() and "superuser" in errors.getvalue()


def test_sqlite_reads_the_database_file_and_its_write_ahead_log(tmp_path: Path):
    path = tmp_path / "library.sqlite3"
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA wal_autocheckpoint=0")  # the rows stay in the log
    database.execute("CREATE TABLE essay (body TEXT)")
    database.executemany("INSERT INTO essay VALUES (?)", [(LONG_TEXT,)] * 50)
    database.commit()
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0

    warmed = read_sqlite_files(path)

    assert warmed.relations == (path.name, wal.name)
    assert warmed.bytes_read == path.stat().st_size + wal.stat().st_size
    assert " of 2 database files " in warmed.summary()
    database.close()


def test_an_in_memory_sqlite_database_has_nothing_to_read():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's test database")
    if not DatabaseCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("this run's test database is a file")
    warmed = warm_database()
    assert warmed.bytes_read == 0 and "in memory" in warmed.skipped_because
