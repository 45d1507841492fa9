from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "redink.demo"
    label = "demo"
