from django.db import migrations


def reindex(apps, schema_editor):
    """SQLite indexes the `top` words as marked terms of their own: reindex a built index."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM search_fts LIMIT 1")
        was_built = cursor.fetchone() is not None
    if was_built:  # an index never built (a corpus just generated) is left for its own rebuild
        from redink.search.services import search_rebuild

        search_rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0006_sort_indexes")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
