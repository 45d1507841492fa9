from django.apps import AppConfig


class CorpusConfig(AppConfig):
    name = "redink.corpus"
    label = "corpus"
