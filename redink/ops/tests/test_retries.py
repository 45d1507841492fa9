"""The retry policy: what is retried, how often and how long apart, what staff see afterwards;
on the database task backend (as `make run` has it) and on RQ with a Redis of the test's own."""

from __future__ import annotations

import importlib
import random
import time
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from redink.ops import retries
from redink.ops.models import FailedTask
from redink.testing.factories import UserFactory

from . import sample_tasks
from .throwaway import ThrowawayRedis

FLAKY = "redink.ops.tests.sample_tasks.flaky"
BROKEN = "redink.ops.tests.sample_tasks.broken"


@pytest.fixture
def quick_retries(settings, monkeypatch):  # type: ignore[no-untyped-def]
    settings.REDINK_TASK_RETRY_ATTEMPTS = 3
    settings.REDINK_TASK_RETRY_BASE_SECONDS = 0.05
    settings.REDINK_TASK_RETRY_MAX_SECONDS = 0.2
    monkeypatch.setitem(retries.RETRIED, FLAKY, "counts its runs in a file")
    monkeypatch.setitem(retries.RETRIED, BROKEN, "counts its runs in a file")


def runs(path: Path) -> int:
    return int(path.read_text()) if path.exists() else 0


class TestPolicy:
    def test_every_task_in_the_code_is_classified_once(self):
        found = set()
        for module in Path(__file__).resolve().parents[2].glob("*/tasks.py"):
            dotted = f"redink.{module.parent.name}.tasks"
            mod = importlib.import_module(dotted)
            found |= {f"{dotted}.{name}" for name, value in vars(mod).items() if hasattr(value, "enqueue")}
        assert found, "no tasks found"
        assert found <= set(retries.RETRIED) | set(retries.NOT_RETRIED), found - set(retries.RETRIED)
        assert not set(retries.RETRIED) & set(retries.NOT_RETRIED)

    def test_connection_errors_and_timeouts_are_retryable_bugs_and_bad_input_are_not(self):
        for path in (
            "builtins.ConnectionRefusedError",
            "builtins.TimeoutError",
            "django.db.utils.OperationalError",
            "redis.exceptions.ConnectionError",
            "smtplib.SMTPServerDisconnected",
            "rq.exceptions.AbandonedJobError",
        ):
            assert retries.is_retryable(path), path
        for path in ("builtins.ValueError", "django.core.exceptions.ValidationError", "builtins.KeyError", "nope.Gone"):
            assert not retries.is_retryable(path), path

    def test_backoff_doubles_with_jitter_and_is_capped(self, settings):
        settings.REDINK_TASK_RETRY_BASE_SECONDS = 30
        settings.REDINK_TASK_RETRY_MAX_SECONDS = 1800
        rng = random.Random(1)
        for attempt, full in ((1, 30), (2, 60), (3, 120), (4, 240), (10, 1800)):
            delays = [retries.retry_delay(attempt=attempt, rng=rng).total_seconds() for _ in range(50)]
            assert all(full / 2 <= d <= full for d in delays), (attempt, min(delays), max(delays))
            assert max(delays) - min(delays) > full / 10, "no jitter"


@pytest.mark.django_db(transaction=True)
class TestDatabaseBackend:
    @pytest.fixture(autouse=True)
    def _database_tasks(self, settings, quick_retries):  # type: ignore[no-untyped-def]
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def work(self, *, until, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while not until() and time.monotonic() < deadline:
            call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
            time.sleep(0.05)

    def test_a_connection_error_is_retried_with_backoff_until_it_succeeds(self, tmp_path):
        counter = tmp_path / "runs"
        sample_tasks.flaky.enqueue(str(counter), 2)
        self.work(until=lambda: FailedTask.objects.filter(status=FailedTask.Status.SUCCEEDED).exists())
        record = FailedTask.objects.get()
        assert runs(counter) == 3, "two failures, then the success: no run more"
        assert record.status == FailedTask.Status.SUCCEEDED and record.attempts == 2
        assert record.task_path == FLAKY and record.args == [str(counter), 2]
        assert record.exception_class == "builtins.ConnectionError"
        assert "the service is down (run 2)" in record.exception_text

    def test_after_the_last_attempt_it_is_failed_for_staff_to_retry(self, tmp_path, client):
        counter = tmp_path / "runs"
        sample_tasks.flaky.enqueue(str(counter), 10)
        self.work(until=lambda: FailedTask.objects.filter(status=FailedTask.Status.FAILED).exists())
        record = FailedTask.objects.get()
        assert record.status == FailedTask.Status.FAILED and record.attempts == 3 == runs(counter)
        assert record.first_failed_at < record.last_failed_at

        # A moderator without the permission sees no "Retry"; one with it queues the task again.
        url = reverse("admin:ops_failedtask_changelist")
        viewer = UserFactory(is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_failedtask"))
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200 and "flaky" in page.content.decode()
        assert 'value="retry"' not in page.content.decode()
        refused = client.post(url, {"action": "retry", "_selected_action": [record.pk]})
        assert refused.status_code == 200 and runs(counter) == 3
        record.refresh_from_db()
        assert record.status == FailedTask.Status.FAILED

        viewer.user_permissions.add(Permission.objects.get(codename="retry_failedtask"))
        viewer = type(viewer).objects.get(pk=viewer.pk)  # permissions are cached on the instance
        client.force_login(viewer)
        response = client.post(url, {"action": "retry", "_selected_action": [record.pk]}, follow=True)
        assert "1 task(s) queued again." in response.content.decode()
        record.refresh_from_db()
        assert record.status == FailedTask.Status.RETRYING and record.retried_by == viewer.email
        assert LogEntry.objects.filter(object_id=str(record.pk), change_message="Retried: queued again.").exists()
        counter.write_text("10")  # the service is back: the task fails only its first 10 runs
        self.work(until=lambda: FailedTask.objects.filter(status=FailedTask.Status.SUCCEEDED).exists())
        record.refresh_from_db()
        assert record.status == FailedTask.Status.SUCCEEDED and record.succeeded_at is not None

    def test_a_bug_is_recorded_at_once_and_not_retried(self, tmp_path):
        counter = tmp_path / "runs"
        sample_tasks.broken.enqueue(str(counter))
        self.work(until=lambda: FailedTask.objects.exists())
        time.sleep(0.3)
        self.work(until=lambda: False, seconds=0.3)
        record = FailedTask.objects.get()
        assert runs(counter) == 1
        assert record.status == FailedTask.Status.FAILED and record.attempts == 1
        assert record.exception_class == "builtins.ValueError"


@pytest.mark.django_db(transaction=True)
class TestRQ:
    @pytest.fixture
    def redis_url(self, tmp_path, settings, quick_retries):  # type: ignore[no-untyped-def]
        server = ThrowawayRedis(tmp_path / "redis").start()
        settings.TASKS = {"default": {"BACKEND": "redink.ops.retries.RQBackend", "QUEUES": ["default"]}}
        settings.RQ_QUEUES = {"default": {"URL": server.url}}
        yield server
        server.stop()

    def work(self, *, until, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        queue = django_rq.get_queue("default", job_class=Job)
        deadline = time.monotonic() + seconds
        while not until() and time.monotonic() < deadline:
            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
                burst=True, with_scheduler=True, logging_level="WARNING"
            )
            time.sleep(0.1)

    def test_retried_on_rq_until_it_succeeds(self, redis_url, tmp_path):
        counter = tmp_path / "runs"
        sample_tasks.flaky.enqueue(str(counter), 1)
        self.work(until=lambda: FailedTask.objects.filter(status=FailedTask.Status.SUCCEEDED).exists())
        record = FailedTask.objects.get()
        assert runs(counter) == 2 and record.attempts == 1
        assert record.exception_class == "builtins.ConnectionError" and "run 1" in record.exception_text

    def test_a_task_redis_cannot_take_is_kept_and_queued_when_it_is_back(self, redis_url, tmp_path):
        from redink.ops.scheduler import requeue_unqueued_tasks

        counter = tmp_path / "runs"
        redis_url.stop()
        result = sample_tasks.flaky.enqueue(str(counter), 0)  # no exception for the caller
        assert result.id
        record = FailedTask.objects.get()
        assert record.status == FailedTask.Status.UNQUEUED and record.attempts == 0
        assert "queued" in requeue_unqueued_tasks() and FailedTask.objects.get().status == FailedTask.Status.UNQUEUED

        redis_url.start()
        assert requeue_unqueued_tasks() == "Queued 1 of 1 task(s) that could not be queued before."
        self.work(until=lambda: FailedTask.objects.filter(status=FailedTask.Status.SUCCEEDED).exists())
        assert runs(counter) == 1
        assert FailedTask.objects.get().status == FailedTask.Status.SUCCEEDED
