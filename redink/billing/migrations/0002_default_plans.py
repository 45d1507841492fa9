"""The default plans: monthly at £6.99 and yearly at £59.99 (amounts in pence). Staff edit them in the admin."""

from django.db import migrations

DEFAULT_PLANS = [
    {"slug": "monthly", "name": "Monthly", "interval": "month", "amount": 699, "position": 1},
    {"slug": "yearly", "name": "Yearly", "interval": "year", "amount": 5999, "position": 2},
]


def create_default_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for plan in DEFAULT_PLANS:
        Plan.objects.get_or_create(slug=plan["slug"], defaults={**plan, "currency": "gbp", "is_active": True})


def remove_default_plans(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Plan.objects.filter(slug__in=[p["slug"] for p in DEFAULT_PLANS], subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_default_plans, remove_default_plans)]
