from django.db import migrations


def create(apps, schema_editor):
    from redink.search.backends import backend_class_for

    if backend := backend_class_for(schema_editor.connection.vendor):
        backend.create_schema()


def drop(apps, schema_editor):
    from redink.search.backends import backend_class_for

    if backend := backend_class_for(schema_editor.connection.vendor):
        backend.drop_schema()


class Migration(migrations.Migration):
    initial = True
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
