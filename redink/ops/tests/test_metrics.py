"""/metrics as Prometheus and an operator see it: who may read it, what it counts, and one scrape
of a real two-worker gunicorn giving the sum over both workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_tasks import task
from prometheus_client import multiprocess
from prometheus_client.parser import text_string_to_metric_families

from redink.ops.stack import free_port
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db

REQUESTS = "redink_http_request_duration_seconds"


@task()
def metered_task() -> None:
    """A task that succeeds."""


@task()
def failing_task() -> None:
    raise RuntimeError("this task always fails")


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


class TestWhoMayRead:
    def test_loopback_reads_it_and_others_get_the_ordinary_404(self, client):
        assert "redink_http_request_duration_seconds" in scrape(client)
        outside = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
        assert outside.status_code == 404
        assert b"redink_" not in outside.content
        # The same page as any address that does not exist, but kept by no cache (nginx would
        # otherwise answer the allowed clients with it).
        assert outside.content == client.get("/no/such/page/here/").content
        assert outside["Cache-Control"] == "no-store"

    def test_behind_a_proxy_the_client_address_counts_not_the_proxys(self, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_nginx).status_code == 404
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1", **via_nginx).status_code == 200

    def test_configured_networks(self, client, settings):
        settings.REDINK_METRICS_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
        assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="2001:db8::5").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404

    def test_a_bearer_token_reads_it_from_anywhere(self, client, settings):
        settings.REDINK_METRICS_TOKEN = "s3cret-scrape-token"
        outside = {"REMOTE_ADDR": "203.0.113.7"}
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", **outside).status_code == 200
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret-scrape-token", **outside).status_code == 404

    def test_no_token_configured_means_no_token_works(self, client):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_requests_are_counted_by_route_never_by_path(client, section):
    essay = make_essay(section=section, title="The causes of the Cuban missile crisis")
    before = scrape(client)
    client.get(essay.get_absolute_url())
    client.get(essay.get_absolute_url())
    client.get("/this/path/matches/no/pattern/")
    after = scrape(client)
    route = {"route": "essays/<slug:slug>/", "method": "GET", "status": "2xx"}
    assert value(after, f"{REQUESTS}_count", **route) - value(before, f"{REQUESTS}_count", **route) == 2
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "4xx"}
    assert value(after, f"{REQUESTS}_count", **unmatched) - value(before, f"{REQUESTS}_count", **unmatched) == 1
    assert essay.slug not in after and "/this/path" not in after
    # Probes and scrapes are not counted as requests (a refused scrape is, as the 404 it gets).
    assert 'route="healthz"' not in after
    assert 'method="GET",route="metrics",status="2xx"' not in after


def test_odd_methods_share_one_label(client):
    before = scrape(client)
    client.generic("BREW", "/robots.txt")
    after = scrape(client)
    labels = {"route": "robots.txt", "method": "other", "status": "4xx"}
    assert value(after, f"{REQUESTS}_count", **labels) - value(before, f"{REQUESTS}_count", **labels) == 1
    assert "BREW" not in after


def test_search_latency_is_measured(client, section):
    make_essay(section=section, title="Khrushchev and the Cuban missile crisis")
    before = value(scrape(client), "redink_search_query_duration_seconds_count")
    assert client.get("/search/", {"q": "cuban missile"}).status_code == 200
    assert value(scrape(client), "redink_search_query_duration_seconds_count") >= before + 1


def test_task_durations_and_failures_by_task(client):
    succeeded = {"task": "redink.ops.tests.test_metrics.metered_task", "status": "successful"}
    failed = {"task": "redink.ops.tests.test_metrics.failing_task", "status": "failed"}
    before = scrape(client)
    metered_task.enqueue()
    failing_task.enqueue()
    failing_task.enqueue()
    after = scrape(client)
    count = "redink_task_duration_seconds_count"
    assert value(after, count, **succeeded) - value(before, count, **succeeded) == 1
    assert value(after, count, **failed) - value(before, count, **failed) == 2
    failures = "redink_task_failures_total"
    label = {"task": failed["task"]}
    assert value(after, failures, **label) - value(before, failures, **label) == 2


def test_queue_depth_and_age_are_read_at_scrape_time(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert value(scrape(client), "redink_task_queue_depth", queue="default") == 0
    metered_task.enqueue()
    metered_task.enqueue()
    text = scrape(client)
    assert value(text, "redink_task_queue_depth", queue="default") == 2
    assert 0 <= value(text, "redink_task_queue_oldest_age_seconds", queue="default") < 60


# --- One scrape sums every gunicorn worker -----------------------------------------------------
GUNICORN_CONFIG = """
from redink.ops.metrics import gunicorn_child_exit


def child_exit(server, worker):
    gunicorn_child_exit(server, worker)
"""


def _get(url: str, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Connection": "close", **headers})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], workers: int, gone: int = 0) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1].decode()[-3000:]
        try:
            pids = _worker_pids(process.pid)
            if len(pids) == workers and gone not in pids and _get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def _send_until_every_worker_answered(base: str, process: subprocess.Popen[bytes], metrics_dir: Path) -> int:
    """Requests, eight at a time (while one worker answers, another takes the next connection),
    until each worker has answered some; how many were sent."""
    sent = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(lambda _: _get(f"{base}/robots.txt")[0], range(16))) == {200}
        sent += 16
        pids = _worker_pids(process.pid)
        if all(_requests_in_file(metrics_dir / f"histogram_{pid}.db") for pid in pids):
            return sent
    raise AssertionError("a worker answered no request")


def _requests_in_file(path: Path) -> float:
    """The requests one process counted, from its own file in the metrics directory."""
    if not path.exists():
        return 0.0
    families = multiprocess.MultiProcessCollector.merge([str(path)])
    return sum(s.value for family in families for s in family.samples if s.name == f"{REQUESTS}_count")


def _total_requests(text: str) -> float:
    return sum(v for (name, _), v in samples(text).items() if name == f"{REQUESTS}_count")


def test_one_scrape_sums_both_gunicorn_workers(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(GUNICORN_CONFIG)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {
        **keep,
        "PYTHONPATH": str(Path(django_settings.BASE_DIR)),
        "DJANGO_SETTINGS_MODULE": "redink.settings",
        "SECRET_KEY": "two-worker-metrics-test",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "STATIC_MANIFEST": "0",
        # robots.txt and /metrics need no table: an empty database file is enough.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.sqlite3'}",
        "REDIS_URL": "",
        "TASKS_BACKEND": "immediate",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "redink.wsgi", "-w", "2", "--bind", f"127.0.0.1:{port}", "-c", str(config)]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_until_up(base, process, 2)
        sent = _send_until_every_worker_answered(base, process, metrics_dir)
        status, body = _get(f"{base}/metrics")
        assert status == 200
        assert _total_requests(body.decode()) == sent
        assert value(body.decode(), "redink_web_processes") == 2

        # A worker that dies is replaced: the requests it answered still count, and it no
        # longer counts as a process (gunicorn's child_exit hook).
        killed = next(iter(_worker_pids(process.pid)))
        os.kill(killed, signal.SIGTERM)
        _wait_until_up(base, process, 2, gone=killed)
        sent += _send_until_every_worker_answered(base, process, metrics_dir)
        text = _get(f"{base}/metrics")[1].decode()
        assert _total_requests(text) == sent
        assert value(text, "redink_web_processes") == 2
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
