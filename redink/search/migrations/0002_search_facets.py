from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend

        SQLiteFTS5Backend.create_schema()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_tables")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
