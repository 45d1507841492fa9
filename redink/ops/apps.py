from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "redink.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Task durations and failures, and each task's log lines under the id of the request that
        # enqueued it (connected last, so the id is still set for every other receiver).
        from . import logs, metrics, retries

        retries.connect_task_signals()  # the retry policy and the failed-task record
        metrics.connect_task_signals()
        logs.connect_task_signals()
