from django.db import migrations


def reindex(apps, schema_editor):
    """SQLite indexes the `top` words as marked terms of their own: a built index is reindexed (by 0009)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM search_fts LIMIT 1")
        was_built = cursor.fetchone() is not None
    if was_built:
        # Emptied here and refilled by 0009 with the code of today (which writes columns that
        # do not exist yet at this point).
        from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend

        SQLiteFTS5Backend().clear()


class Migration(migrations.Migration):
    dependencies = [("search", "0006_sort_indexes")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
