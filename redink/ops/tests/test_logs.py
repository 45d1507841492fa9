"""Logs an operator can follow: JSON lines, each request's id in its response and its log lines,
and the same id in the worker's lines for the tasks the request enqueued."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker

from redink.ops.logs import JsonFormatter, RequestIdFilter

CLAIM = {
    "name": "Pat Rights",
    "email": "pat@example.org",
    "claim": "Paragraphs two to four are copied from my published article.",
    "original_url": "example.org/my-article",
    "good_faith": "on",
}
ACKNOWLEDGEMENT = "path=redink.submissions.tasks.send_takedown_acknowledgement"


class Lines(logging.Handler):
    """The lines the configured console handler would write, kept for the test to read."""

    def __init__(self, console: logging.Handler) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(console.formatter)
        self.filters = list(console.filters)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    root = logging.getLogger()
    console = next(h for h in root.handlers if isinstance(h.formatter, JsonFormatter))
    assert any(isinstance(f, RequestIdFilter) for f in console.filters)
    lines = Lines(console)
    root.addHandler(lines)
    try:
        yield lines
    finally:
        root.removeHandler(lines)


def test_a_log_line_is_one_json_object():
    formatter = JsonFormatter()
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.getLogger("redink.example").makeRecord(
            "redink.example", logging.ERROR, __file__, 1, "could not %s", ("publish",), sys.exc_info()
        )
    RequestIdFilter().filter(record)
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "redink.example"
    assert entry["message"] == "could not publish"
    assert entry["request_id"] is None  # outside any request
    assert entry["time"].endswith("+00:00")
    assert "ValueError: bad\nthing" in entry["exc_info"]


def _log_once(**env: str) -> subprocess.Popen[str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    code = "import django, logging; django.setup(); logging.getLogger('redink.example').warning('hello %s', 'there')"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env={
            **keep,
            "PYTHONPATH": str(Path(django_settings.BASE_DIR)),
            "DJANGO_SETTINGS_MODULE": "redink.settings",
            "SECRET_KEY": "log-format-test",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_json_in_production_plain_for_the_demo_and_a_clear_error_otherwise():
    production, demo, mistyped = _log_once(DEBUG="0"), _log_once(DEBUG="1"), _log_once(LOG_FORMAT="yaml")
    line = production.communicate(timeout=120)[1].strip().splitlines()[-1]
    assert json.loads(line)["message"] == "hello there"
    line = demo.communicate(timeout=120)[1].strip().splitlines()[-1]
    assert line.endswith("WARNING redink.example: hello there") and not line.startswith("{")
    error = mistyped.communicate(timeout=120)[1]
    assert mistyped.returncode != 0 and "LOG_FORMAT must be json or plain" in error


class TestRequestIds:
    def test_each_response_names_its_request(self, client):
        first, second = client.get("/robots.txt"), client.get("/robots.txt")
        assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
        assert not first.has_header("Vary") and not first.cookies

    def test_an_incoming_id_is_kept_when_it_looks_like_one(self, client):
        kept = client.get("/robots.txt", HTTP_X_REQUEST_ID="0f3c9a1e-lb-7d21")
        assert kept["X-Request-ID"] == "0f3c9a1e-lb-7d21"
        for odd in ("short", "has spaces in it", "x" * 200, 'quote"injection', "é-accented-id"):
            replaced = client.get("/robots.txt", HTTP_X_REQUEST_ID=odd)["X-Request-ID"]
            assert replaced != odd and len(replaced) == 32


@pytest.mark.django_db(transaction=True)  # the task is queued when the request's transaction commits
def test_a_task_run_in_the_request_logs_with_its_id(client, log_lines):
    from redink.testing.factories import make_essay

    essay = make_essay(title="The causes of the First World War")
    response = client.post(reverse("submissions:report", args=[essay.slug]), CLAIM, HTTP_X_REQUEST_ID="req-immediate-1")
    assert response.status_code == 200
    task_lines = [e for e in log_lines.entries() if ACKNOWLEDGEMENT in e["message"]]
    assert {e["message"].rsplit("state=", 1)[1] for e in task_lines} == {"RUNNING", "SUCCESSFUL"}
    assert {e["request_id"] for e in task_lines} == {"req-immediate-1"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_queued_task_under_the_id_of_the_request_that_queued_it(client, settings, log_lines):
    from redink.submissions.tasks import send_takedown_acknowledgement
    from redink.testing.factories import make_essay

    essay = make_essay(title="The causes of the First World War")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.post(reverse("submissions:report", args=[essay.slug]), CLAIM, HTTP_X_REQUEST_ID="req-queued-42")
    assert response.status_code == 200 and response["X-Request-ID"] == "req-queued-42"
    assert not [e for e in log_lines.entries() if ACKNOWLEDGEMENT in e["message"]], "the task ran in the request"
    # Queued outside any request (a management command): its lines carry no id.
    send_takedown_acknowledgement.enqueue(0)

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="log-test-worker",
        excluded_queue_names=[],
    )
    worker.run()

    task_lines = [e for e in log_lines.entries() if ACKNOWLEDGEMENT in e["message"]]
    by_task: dict[str, set[str | None]] = {}
    for entry in task_lines:
        task_id = entry["message"].split("id=", 1)[1].split()[0]
        by_task.setdefault(task_id, set()).add(entry["request_id"])
    assert len(by_task) == 2, task_lines
    assert {frozenset(ids) for ids in by_task.values()} == {frozenset({"req-queued-42"}), frozenset({None})}
    assert len(task_lines) == 4  # RUNNING and SUCCESSFUL for each
