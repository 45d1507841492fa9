from django.db import migrations, models


def recreate_and_reindex(apps, schema_editor):
    """The index gained a field for high-impact words: rebuild the tables and reindex."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is None:
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
