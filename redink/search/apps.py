from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "redink.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check
