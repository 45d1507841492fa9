from django.db import migrations


def create(apps, schema_editor):
    """A GiST trigram index on the spelling vocabulary (PostgreSQL): nearest words by distance."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is not None:
        Backend.create_schema()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_search_titles")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
