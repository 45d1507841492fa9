from django.db import migrations

BATCH = 5000


def add_title_prefixes(apps, schema_editor):
    """SQLite: the titles' index for suggestions is remade unstemmed. PostgreSQL: title
    suggestions look up each title word's prefixes in a column of their own, similar words come
    from the GIN trigram index (the GiST one goes), the document is stored uncompressed and the
    free text with lz4 where the server has it (rows written from now on). A built index has
    the new column filled from its titles, without a rebuild."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _unstemmed_sqlite_titles(schema_editor)
    if vendor != "postgresql":
        return
    from more_itertools import chunked
    from redink.search.backends.postgres import PostgresBackend, build_document_indexes, drop_document_indexes
    from redink.search.backends.tsvector import prefix_literal, tokens_of

    PostgresBackend.create_schema()
    with schema_editor.connection.cursor() as cursor:
        # Every row is rewritten: the table's indexes are dropped first and built after, as a
        # rebuild does, rather than updated row by row (the document index would read back
        # each row's document).
        drop_document_indexes(cursor)
        cursor.execute("SELECT essay_id, title FROM search_document")
        for batch in chunked(cursor.fetchall(), BATCH):
            cursor.execute(
                "UPDATE search_document AS d SET title_words = v.words::tsvector "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(essay_id, words) WHERE d.essay_id = v.essay_id",
                [[essay_id for essay_id, _ in batch], [prefix_literal(tokens_of(title)) for _, title in batch]],
            )
    build_document_indexes()


def _unstemmed_sqlite_titles(schema_editor):
    """Remake SQLite's title index without stemming (a typed prefix of a word must match it) and
    fill it from the main index's titles."""
    from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_titles")
        SQLiteFTS5Backend.create_schema()
        cursor.execute("INSERT INTO search_titles(rowid, title) SELECT rowid, title FROM search_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0009_best_tier")]
    operations = [migrations.RunPython(add_title_prefixes, migrations.RunPython.noop)]
