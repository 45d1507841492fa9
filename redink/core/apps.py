from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "redink.core"
    label = "core"
