from django.db import migrations, models


def forget_lists(apps, schema_editor):
    """Lists are derived data: drop them, and the level statistics with them, so that the next
    change in each level rebuilds it (or run `manage.py rebuild_related`)."""
    apps.get_model("related", "RelatedEssay").objects.all().delete()
    apps.get_model("related", "RelatedLevel").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("related", "0002_signature_open_to_tier")]

    operations = [
        migrations.RunPython(forget_lists, migrations.RunPython.noop),
        migrations.RemoveField(model_name="relatedessay", name="snippet_text_version"),
        migrations.AddField(
            model_name="relatedessay",
            name="title",
            field=models.CharField(default="", max_length=250),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedessay",
            name="slug",
            field=models.SlugField(default="", max_length=120),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedessay",
            name="word_count",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedessay",
            name="is_teacher_marked",
            field=models.BooleanField(default=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="relatedessay",
            name="section_name",
            field=models.CharField(default="", max_length=120),
            preserve_default=False,
        ),
    ]
