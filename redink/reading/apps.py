from django.apps import AppConfig


class ReadingConfig(AppConfig):
    name = "redink.reading"
    label = "reading"
    verbose_name = "Reading lists and reading history"
