from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "redink.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from redink.catalogue.models import Level

        from . import checks  # noqa: F401 - registers the system check
        from .scope import forget_level_names

        # A level changed in this process is searched by its new names at once (other processes
        # within a minute).
        for signal in (post_save, post_delete):
            signal.connect(lambda **_: forget_level_names(), sender=Level, weak=False, dispatch_uid=f"scope-{signal}")
