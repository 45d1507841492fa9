"""`rundemo` (what `make run` serves with): it says "Serving …" only once the site answers, both
its processes link to the address it serves on, and Ctrl-C stops both."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from redink.demo.management.commands.rundemo import split_addr

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Output:
    """The lines a process writes, read as they come."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed within {timeout} s; output:\n{''.join(self.seen)}")


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    database = tmp_path_factory.mktemp("rundemo") / "demo.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DEBUG="1",
        TASKS_BACKEND="database",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


@pytest.fixture(scope="module")
def rundemo(demo_env) -> Iterator[tuple[subprocess.Popen[str], Output, int]]:  # type: ignore[no-untyped-def]
    port = free_port()
    # A session of its own, so Ctrl-C can be sent the way a terminal sends it: to the whole group.
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "rundemo", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=demo_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc, Output(proc.stdout), port
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serving_is_printed_only_once_the_site_answers_and_links_use_its_address(rundemo, demo_env):
    _proc, output, port = rundemo
    line = output.wait_for("Serving ", timeout=120)
    assert connects(port), "the line came before the server answered"
    assert f"Serving http://127.0.0.1:{port}/" in line

    # The server's links name the address it serves on (not the default port 8000)…
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as response:
        assert f"Sitemap: http://127.0.0.1:{port}/sitemap.xml" in response.read().decode()

    # …and so do the worker's: a decision e-mail, sent by the worker, printed on this console.
    script = (
        "from redink.submissions.models import Submission\n"
        "from redink.submissions.tasks import send_submission_email\n"
        "from redink.testing.factories import SectionFactory, UserFactory\n"
        "user = UserFactory(email='contributor@example.org')\n"
        "submission = Submission.objects.create(contributor=user, source='paste', status='rejected',"
        " title='A rejected upload', section=SectionFactory())\n"
        "send_submission_email.enqueue(submission.pk)\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=demo_env, check=True, timeout=60)
    output.wait_for("A rejected upload", timeout=60)
    output.wait_for(f"http://127.0.0.1:{port}/contribute/uploads/", timeout=10)


def test_ctrl_c_stops_the_server_and_the_worker(rundemo):
    proc, output, port = rundemo
    if not connects(port):  # run on its own: wait for the demo to start
        output.wait_for("Serving ", timeout=120)
    group = proc.pid
    os.killpg(group, signal.SIGINT)
    assert proc.wait(timeout=30) is not None
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (connects(port) or group_alive(group)):
        time.sleep(0.2)
    assert not connects(port), "the server still answers"
    assert not group_alive(group), "a process of the demo is still running"


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("127.0.0.1:8101", ("127.0.0.1", 8101)),
        ("8102", ("127.0.0.1", 8102)),
        ("0.0.0.0:8103", ("127.0.0.1", 8103)),
        ("[::1]:8104", ("::1", 8104)),
        ("localhost:8105", ("localhost", 8105)),
    ],
)
def test_the_address_it_polls_and_links_to(addr, expected):
    assert split_addr(addr) == expected
