from django.db import migrations


def recreate_and_reindex(apps, schema_editor):
    """A title-only index for suggestions, and title words in the `top` field: rebuild the
    tables and reindex."""
    from redink.search.backends import backend_class_for

    vendor = schema_editor.connection.vendor
    Backend = backend_class_for(vendor)
    if Backend is None:
        return
    table = "search_fts" if vendor == "sqlite" else "search_document"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - a fixed name
        was_built = cursor.fetchone() is not None
    Backend.drop_schema()
    Backend.create_schema()
    if was_built:  # an index never built (a corpus just generated) is left for its own rebuild
        from redink.search.services import search_rebuild

        search_rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_impact_words")]
    operations = [migrations.RunPython(recreate_and_reindex, migrations.RunPython.noop)]
