import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import redink.accounts.names


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="birth_year",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Asked at sign-up; empty for accounts made before that, or by staff.", null=True
            ),
        ),
        # Every account there is so far has no year of birth: the most private setting.
        migrations.AddField(
            model_name="user",
            name="profile_public",
            field=models.BooleanField(
                default=False,
                help_text="Whether /authors/<name>/ shows this author's page. Off until they opt in, unless they "
                "signed up as 16 or over.",
                verbose_name="public author page",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                blank=True,
                help_text="The name shown on essays. A pseudonym is fine. Unique, ignoring case.",
                max_length=40,
                validators=[redink.accounts.names.validate_display_name],
            ),
        ),
        migrations.CreateModel(
            name="PreviousDisplayName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40)),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="previous_names",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ("-replaced_at",)},
        ),
        migrations.AddConstraint(
            model_name="previousdisplayname",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"), name="previous_display_name_unique_ignoring_case"
            ),
        ),
    ]
