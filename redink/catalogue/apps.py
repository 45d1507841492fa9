from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "redink.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"
