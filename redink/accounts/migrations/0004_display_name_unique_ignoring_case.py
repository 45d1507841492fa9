import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_display_names_made_unique")]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("display_name"),
                condition=models.Q(("display_name", ""), _negated=True),
                name="display_name_unique_ignoring_case",
                violation_error_message="That display name is taken. Please choose another.",
            ),
        ),
    ]
