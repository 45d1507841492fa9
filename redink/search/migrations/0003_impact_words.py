from django.db import migrations, models


def recreate_and_reindex(apps, schema_editor):
    """The index gained a field for high-impact words: rebuild the tables (0009 refills them)."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is None:
        return
    Backend.drop_schema()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_titles_tri")
    Backend.create_schema()
    # The essays are indexed again by 0009, with the code of today (which writes columns that
    # do not exist yet at this point).


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
