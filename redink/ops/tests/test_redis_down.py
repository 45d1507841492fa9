"""Redis stopped under a running site (a Redis of the test's own): pages are still served,
signed-in users stay signed in (`cached_db` sessions), rate limits let requests through and say
so, an upload is still accepted, and the work queued in Redis is recovered from the database
once it is back. Redis hanging rather than refusing is bounded by the cache's timeouts, and a
session ended during the outage stays ended when Redis returns with its old contents."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from redink.ops.models import FailedTask
from redink.ops.scheduler import requeue_unqueued_tasks
from redink.submissions.models import ModerationEvent, Submission
from redink.testing import factories

from .throwaway import ThrowawayRedis, original_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(tmp_path, settings):  # type: ignore[no-untyped-def]
    server = ThrowawayRedis(tmp_path / "redis").start()
    settings.CACHES = {
        "default": {
            "BACKEND": "redink.ops.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "redis-down-test",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.TASKS = {"default": {"BACKEND": "redink.ops.retries.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": server.url}}
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"
    yield server
    server.stop()


def run_worker() -> None:
    """An RQ worker in this process, until the queue is empty."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True, logging_level="WARNING")


def test_pages_sessions_and_limits_keep_working_with_redis_stopped(redis_server, client, essay, settings, caplog):
    member = factories.UserFactory(display_name="Paying Member")
    factories.grant_membership(member)
    client.force_login(member)
    account = reverse("accounts:overview")
    assert client.get(account).status_code == 200
    settings.REDINK_SEARCHES_PER_MINUTE = 1

    redis_server.stop()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        visitor = Client()
        for url in ("/", essay.get_absolute_url(), "/search/?q=superpowers"):
            assert visitor.get(url).status_code == 200, url
        for _ in range(3):  # past the limit of one a minute, but nothing can count
            assert visitor.get("/search/", {"q": "relations"}).status_code == 200
        page = client.get(account)
        assert page.status_code == 200 and "Paying Member" in page.content.decode(), "signed out by the outage"
        assert client.get(essay.get_absolute_url()).status_code == 200
    assert time.monotonic() - started < 10, "each request waited on the dead Redis"
    assert "Rate limit 'search' not counted: the cache is unreachable" in caplog.text
    outage = [r for r in caplog.records if "reads miss and writes are dropped" in r.getMessage()]
    assert len(outage) == 1, "the outage is logged once, not at every call"

    redis_server.start()
    assert client.get(account).status_code == 200
    for _ in range(2):
        last = Client().get("/search/", {"q": "relations"})
    assert last.status_code == 429, "counting resumes once Redis is back"


def test_an_upload_made_while_redis_is_down_is_processed_once_it_is_back(
    redis_server, client, section, django_capture_on_commit_callbacks
):
    contributor = factories.UserFactory(display_name="Keen Contributor")
    client.force_login(contributor)
    (first_title, first_text), (second_title, second_text) = original_texts(2)

    def upload(title: str, text: str) -> Submission:
        form = {"title": title, "section": section.pk, "text": text, "declaration": "on", "licence": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("submissions:upload"), form)
        assert response.status_code == 302, response.content.decode()[:500]
        return Submission.objects.get(title=title)

    queued_then_lost = upload(first_title, first_text)  # queued in Redis...
    redis_server.stop()  # ...which loses it (it keeps nothing on disk)
    made_while_down = upload(second_title, second_text)
    kept = FailedTask.objects.get()
    assert kept.status == FailedTask.Status.UNQUEUED and kept.args == [made_while_down.pk]
    assert client.get(reverse("submissions:uploads")).status_code == 200

    redis_server.start()
    assert requeue_unqueued_tasks() == "Queued 1 of 1 task(s) that could not be queued before."
    call_command("requeue_submissions", "--older-than", "0", stdout=open(os.devnull, "w"))  # noqa: SIM115
    run_worker()
    for submission in (queued_then_lost, made_while_down):
        submission.refresh_from_db()
        assert submission.status == Submission.Status.IN_REVIEW, (submission.title, submission.status)
        queued = ModerationEvent.objects.filter(submission=submission, action=ModerationEvent.Action.QUEUED)
        assert queued.count() == 1, "processed once, though queued twice"
    assert FailedTask.objects.get().status == FailedTask.Status.SUCCEEDED


def test_a_hanging_redis_is_waited_on_briefly_and_an_ended_session_stays_ended(redis_server, client, member):
    client.force_login(member)
    account = reverse("accounts:overview")
    assert client.get(account).status_code == 200
    cookie = client.cookies["sessionid"].value
    assert redis_server.process is not None
    os.kill(redis_server.process.pid, signal.SIGSTOP)  # it keeps its contents, and answers nothing
    try:
        started = time.monotonic()
        assert Client().get("/").status_code == 200
        assert time.monotonic() - started < 5
        client.post("/accounts/logout/")  # the database forgets the session; Redis cannot be told
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    returning = Client()
    returning.cookies["sessionid"] = cookie
    response = returning.get(account)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], "the old session came back"
