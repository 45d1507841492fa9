from django.db import migrations, models

# The table each backend's index keeps one row per essay in.
ROWS = {"postgresql": "search_document", "sqlite": "search_fts"}


def add_best_tier(apps, schema_editor):
    """PostgreSQL gains the `best` column and its index; a built PostgreSQL index is refilled so
    every essay lists its best words. An index that earlier migrations emptied (0003, 0007)
    while published essays wait is refilled on either database."""
    vendor = schema_editor.connection.vendor
    if vendor not in ROWS:
        return
    if vendor == "postgresql":
        from redink.search.backends.postgres import PostgresBackend

        PostgresBackend.create_schema()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {ROWS[vendor]} LIMIT 1")
        built = cursor.fetchone() is not None
    waiting = apps.get_model("catalogue", "Essay").objects.filter(status="published").exists()
    if (built and vendor == "postgresql") or (waiting and not built):
        from redink.search.services import search_rebuild

        search_rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0008_narrow_rows"), ("catalogue", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="impactthreshold", name="best_score", field=models.FloatField(blank=True, null=True)
        ),
        migrations.RunPython(add_best_tier, migrations.RunPython.noop),
    ]
