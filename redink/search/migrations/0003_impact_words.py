from django.db import migrations, models


def recreate_and_reindex(apps, schema_editor):
    """The index gained a field for high-impact words: rebuild the tables and reindex."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        from redink.search.backends.sqlite_fts5 import SQLiteFTS5Backend as Backend
    elif vendor == "postgresql":
        from redink.search.backends.postgres import PostgresBackend as Backend  # type: ignore[assignment]
    else:
        return
    Backend.drop_schema()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_titles_tri")
    Backend.create_schema()
    Essay = apps.get_model("catalogue", "Essay")
    if Essay.objects.filter(status="published").exists():
        from redink.search.services import search_rebuild

        search_rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_facets"), ("catalogue", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="ImpactThreshold",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("score", models.FloatField()),
            ],
        ),
        migrations.RunPython(recreate_and_reindex, migrations.RunPython.noop),
    ]
