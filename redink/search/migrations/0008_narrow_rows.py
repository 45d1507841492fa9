from django.db import migrations


def narrow(apps, schema_editor):
    """PostgreSQL: keep the search rows narrow (the document, free text and `top` words out of
    line), without the reading counts no sort uses any more. The storage settings apply to rows
    as they are written: `rebuild_search_index` rewrites the rows already there, and until then
    they are read as before."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from redink.search.backends.postgres import PostgresBackend

    PostgresBackend.create_schema()
    with schema_editor.connection.cursor() as cursor:
        # "Most read" sorts by the essays' own reading counts: the copy taken at indexing (and
        # its index) went stale with every reading.
        cursor.execute("ALTER TABLE search_document DROP COLUMN IF EXISTS reading_count")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_marked_top_terms")]
    operations = [migrations.RunPython(narrow, migrations.RunPython.noop)]
