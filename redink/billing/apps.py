from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "redink.billing"
    label = "billing"
    verbose_name = "Memberships and payments"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
