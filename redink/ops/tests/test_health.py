"""/healthz and /readyz, as a load balancer sees them: quick, uncached, cookie-free, and a 503
that names the failing check (never a 500), with Redis down or hanging too."""

from __future__ import annotations

import datetime
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from redink.catalogue.models import Level
from redink.testing.environment import services_required

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def queued_probe_task() -> None:
    """Enqueued by these tests onto a queue that no worker reads."""


def test_healthz_answers_without_the_database_or_the_cache(client):
    # No `db` fixture: the test fails if the view so much as opens a database connection.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies and not response.has_header("Vary")


def test_probes_by_address_are_answered_whatever_the_host(client):
    """Load balancers probe a process by its IP, which ALLOWED_HOSTS does not list."""
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8001").status_code == 200


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["ready"] is True
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["queue"]["ok"] is True
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies and not response.has_header("Vary")


@pytest.mark.django_db
def test_readyz_counts_the_database_queue_and_fails_when_it_stalls(client, settings):
    settings.TASKS = DATABASE_TASKS
    queued_probe_task.enqueue()
    queued_probe_task.enqueue()
    queue = client.get("/readyz").json()["checks"]["queue"]
    assert queue["backend"] == "database" and queue["queues"]["default"]["depth"] == 2
    assert queue["queues"]["default"]["oldest_seconds"] < 60

    # The workers stopped twenty minutes ago: the oldest task has waited past the limit.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    report = response.json()
    assert report["ready"] is False and report["checks"]["database"]["ok"] is True
    assert report["checks"]["queue"]["ok"] is False
    assert "has waited 1200 s (more than 600 s)" in report["checks"]["queue"]["error"]

    settings.REDINK_READY_MAX_QUEUE_AGE_SECONDS = 3600
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_a_deferred_task_is_waiting_only_from_when_it_may_run(client, settings):
    settings.TASKS = DATABASE_TASKS
    queued_probe_task.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get("/readyz").json()["checks"]["queue"]["queues"]["default"]["depth"] == 0
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(seconds=30))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert 30 <= response.json()["checks"]["queue"]["queues"]["default"]["oldest_seconds"] < 90


@pytest.mark.django_db
def test_redis_down_is_a_503_naming_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": False, "error": "ConnectionError", "ms": checks["redis"]["ms"]}
    assert checks["database"]["ok"] is True


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a Redis that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.django_db
def test_a_hanging_redis_fails_the_check_within_its_timeout(client, settings, silent_server):
    settings.REDIS_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.REDINK_READY_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert elapsed < 3, f"the probe waited {elapsed:.1f} s on a Redis that does not answer"


def _redis_url() -> str:
    url = os.environ.get("REDINK_TEST_REDIS_URL", "")
    if not url:
        if not services_required():
            pytest.skip("no Redis (set REDINK_TEST_REDIS_URL)")
        url = "redis://127.0.0.1:6379/13"
    return url


@pytest.mark.django_db
def test_readyz_reads_the_rq_queue_in_redis(client, settings):
    import redis
    from rq import Queue
    from rq.job import Job
    from rq.utils import utcformat

    url = _redis_url()
    name = f"readyz-{uuid.uuid4().hex[:8]}"  # a queue of this test's own, which no worker reads
    settings.REDIS_URL = url
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    settings.RQ_QUEUES = {name: {"URL": url}}
    queue = Queue(name, connection=redis.Redis.from_url(url))  # fails loudly when Redis is required and down
    try:
        jobs = [queue.enqueue("builtins.print") for _ in range(3)]
        response = client.get("/readyz")
        assert response.status_code == 200, response.content
        checks = response.json()["checks"]
        assert checks["redis"]["ok"] is True
        assert checks["queue"]["backend"] == "rq" and checks["queue"]["queues"][name]["depth"] == 3

        old = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=15)
        queue.connection.hset(Job.key_for(jobs[0].id), "enqueued_at", utcformat(old))
        response = client.get("/readyz")
        assert response.status_code == 503
        queue_check = response.json()["checks"]["queue"]
        assert queue_check["ok"] is False and queue_check["queues"][name]["oldest_seconds"] >= 900
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["healthz", "readyz", "metrics"])
def test_the_operations_addresses_cannot_be_level_slugs(slug):
    with pytest.raises(ValidationError):
        Level(name=slug.title(), slug=slug).full_clean()
