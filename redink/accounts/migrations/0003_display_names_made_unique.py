"""Display names become unique ignoring case (0004 adds the constraint). Where two or more
accounts share a name today, the earliest keeps it and the others get " 2", " 3"… (cut to fit
40 characters), the first such name nobody has."""

from django.db import migrations

MAX_LENGTH = 40


def with_number(name: str, number: int) -> str:
    suffix = f" {number}"
    return name[: MAX_LENGTH - len(suffix)].rstrip() + suffix


def make_unique(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    taken: set[str] = set()
    duplicates = []
    for user in User.objects.exclude(display_name="").order_by("date_joined", "pk").only("pk", "display_name"):
        key = user.display_name.lower()
        if key in taken:
            duplicates.append(user)
        else:
            taken.add(key)
    for user in duplicates:
        number = 2
        while with_number(user.display_name, number).lower() in taken:
            number += 1
        user.display_name = with_number(user.display_name, number)
        taken.add(user.display_name.lower())
        user.save(update_fields=["display_name"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_profile_fields_and_previous_names")]

    operations = [migrations.RunPython(make_unique, migrations.RunPython.noop, elidable=True)]
