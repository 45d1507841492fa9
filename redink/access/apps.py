from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "redink.access"
    label = "access"
    verbose_name = "Access and entitlements"
