from django.apps import AppConfig


class MarkingConfig(AppConfig):
    name = "redink.marking"
    label = "marking"
    verbose_name = "Teacher marking"
