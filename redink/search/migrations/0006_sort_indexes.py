from django.db import migrations


def create(apps, schema_editor):
    """Indexes for the "newest" and "most read" sorts of very common queries (PostgreSQL)."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is not None:
        Backend.create_schema()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_words_gist")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
