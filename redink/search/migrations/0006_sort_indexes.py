from django.db import migrations


def create(apps, schema_editor):
    """PostgreSQL: indexes for the "newest" and "most read" sorts of very common queries, and
    a word index on titles for suggestions in place of the trigram index."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is None:
        return
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_document_title_trgm")
    Backend.create_schema()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_words_gist")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
