from django.db import migrations


def recreate_and_reindex(apps, schema_editor):
    """A title-only index for suggestions, and title words in the `top` field: rebuild the
    tables and reindex."""
    from redink.search.backends import backend_class_for

    Backend = backend_class_for(schema_editor.connection.vendor)
    if Backend is None:
        return
    Backend.drop_schema()
    Backend.create_schema()
    Essay = apps.get_model("catalogue", "Essay")
    if Essay.objects.filter(status="published").exists():
        from redink.search.services import search_rebuild

        search_rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_impact_words")]
    operations = [migrations.RunPython(recreate_and_reindex, migrations.RunPython.noop)]
