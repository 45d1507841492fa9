from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "redink.related"
    label = "related"
    verbose_name = "Related essays"
