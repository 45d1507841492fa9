"""With a read replica, an essay's pages are purged from nginx's cache twice: at once, and again
once the replica has caught up, so a visitor's page read from a lagging replica is not kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from redink.ops import purge
from redink.ops.tasks import purge_pages
from redink.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferred_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    yield default_task_backend
    default_task_backend.clear()  # type: ignore[attr-defined]


def purges(backend) -> list:  # type: ignore[no-untyped-def]
    return [result for result in backend.results if result.task.func is purge_pages.func]


def cached(path: str) -> Path:
    target = purge.cache_file(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("a visitor's copy")
    return target


def test_with_a_replica_the_pages_are_purged_again_once_it_has_caught_up(
    tmp_path, settings, deferred_tasks, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    settings.REDINK_NGINX_CACHE_DIR = str(tmp_path)
    settings.DATABASE_REPLICA_URL = "postgres://replica.invalid/redink"
    settings.REDINK_REPLICA_PIN_SECONDS = 10
    essay = factories.make_essay()
    deferred_tasks.clear()
    page = cached(essay.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        purge.purge_essays_on_commit(essay_ids=[essay.pk])
    assert not page.exists()

    (later,) = purges(deferred_tasks)
    assert essay.get_absolute_url() in later.args[0]
    assert timezone.now() + timedelta(seconds=8) < later.task.run_after <= timezone.now() + timedelta(seconds=10)

    # A copy cached meanwhile from the lagging replica goes when the task runs.
    page = cached(essay.get_absolute_url())
    purge_pages.call(*later.args)
    assert not page.exists()


def test_without_a_replica_there_is_one_purge(tmp_path, settings, deferred_tasks, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.REDINK_NGINX_CACHE_DIR = str(tmp_path)
    settings.DATABASE_REPLICA_URL = ""
    essay = factories.make_essay()
    deferred_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        purge.purge_essays_on_commit(essay_ids=[essay.pk])
    assert purges(deferred_tasks) == []
