from django.db import migrations


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend

        SQLiteFTS5Backend.create_schema()
    elif vendor == "postgresql":
        from redink.search.backends.postgres import PostgresBackend

        PostgresBackend.create_schema()


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend

        SQLiteFTS5Backend.drop_schema()
    elif vendor == "postgresql":
        from redink.search.backends.postgres import PostgresBackend

        PostgresBackend.drop_schema()


class Migration(migrations.Migration):
    initial = True
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
