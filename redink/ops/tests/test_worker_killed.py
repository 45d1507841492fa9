"""A task worker killed (SIGKILL, as by the OOM killer or a lost machine) while it processes an
upload: nothing is lost and nothing is done twice. Real processes: an RQ worker on a Redis of the
test's own, sharing the test's PostgreSQL database; the requeue job and a new worker finish it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from redink.ops.models import FailedTask
from redink.ops.retries import WORKER_COMMAND
from redink.submissions.licence import LICENCE_VERSION
from redink.submissions.models import ModerationEvent, Submission, TextSignature
from redink.testing import factories

from .throwaway import ThrowawayRedis, original_texts

pytestmark = pytest.mark.django_db(transaction=True)
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]


def shared_database_url() -> str:
    """The test database itself, which other processes can open: PostgreSQL's. (SQLite's test
    database lives in this process's memory.)"""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the worker shares the test's database, which needs PostgreSQL (the suite is running on SQLite)")
    return f"{url.rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "redink.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "SECRET_KEY": "worker-killed-test",
        "DEBUG": "0",
        "TASKS_BACKEND": "rq",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*MANAGE, *args], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def close_connections_of_killed_processes() -> None:
    """The killed worker's database sessions may outlive it for a moment; the test database is
    dropped at the end of the run, which waits for no one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.mark.postgresql
def test_an_upload_whose_worker_is_killed_mid_way_is_processed_once_by_the_next(tmp_path, section):
    database_url = shared_database_url()
    redis = ThrowawayRedis(tmp_path / "redis").start()
    env = child_env(DATABASE_URL=database_url, REDIS_URL=redis.url, CONN_MAX_AGE="0")
    title, text = original_texts(1)[0]
    submission = Submission.objects.create(
        contributor=factories.UserFactory(display_name="Keen Contributor"),
        source=Submission.Source.PASTE,
        title=title,
        section=section,
        pasted_text=text,
        declaration=True,
        licence_version=LICENCE_VERSION,
    )
    marker = tmp_path / "processing"
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "redink.ops.tests.slow_worker", str(marker)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the work horse dies with it
    )
    try:
        assert "Queued 1 upload(s) again." in manage(env, "requeue_submissions", "--older-than", "0")
        deadline = time.monotonic() + 25
        while not marker.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), (tmp_path / "worker.log").read_text()[-2000:]
        submission.refresh_from_db()
        assert submission.status == Submission.Status.EXTRACTING, "killed while processing"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        log.close()

    try:
        # The requeue job (the scheduler runs it every 10 minutes) finds the upload stuck in
        # processing and queues it again; a new worker processes it.
        assert "Queued 1 upload(s) again." in manage(env, "requeue_submissions", "--older-than", "0")
        manage(env, *WORKER_COMMAND[:-1], "--burst", WORKER_COMMAND[-1])
    finally:
        redis.stop()
        close_connections_of_killed_processes()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    assert submission.extracted_text.split()[:5] == text.split()[:5] and submission.word_count > 300
    assert ModerationEvent.objects.filter(submission=submission, action=ModerationEvent.Action.QUEUED).count() == 1
    assert TextSignature.objects.filter(submission=submission).count() == 1
    assert Submission.objects.count() == 1
    assert not FailedTask.objects.needing_attention().exists()
