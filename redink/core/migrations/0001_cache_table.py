"""The database cache's table (the one-command install's shared cache, see settings.CACHES),
made by `migrate` so that no separate `createcachetable` step can be forgotten. Nothing is made
when the cache is Redis; switching to the database cache later needs `createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
