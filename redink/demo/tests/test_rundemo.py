"""`rundemo` (what `make run` serves with): it says "Serving …" only once the site answers, both
its processes link to the address it serves on, and Ctrl-C stops both."""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def demo_started(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], Output, int]]:
    port = free_port()
    # A session of its own, so Ctrl-C can be sent the way a terminal sends it: to the whole group.
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "rundemo", "--addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc, Output(proc.stdout), port
    finally:
        # Whatever is left, also processes a failed stop left behind: each has this test's database.
        for pid in {proc.pid, *descendants(proc.pid), *using(env["DATABASE_URL"])}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def rundemo(demo_env) -> Iterator[tuple[subprocess.Popen[str], Output, int]]:  # type: ignore[no-untyped-def]
    with demo_started(demo_env) as started:
        yield started


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
    started = descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the foreground group
    assert_all_stop(proc, port, started)


def test_kill_stops_the_server_and_the_worker_too(demo_env):
    """`kill <pid>` (SIGTERM) and a closed terminal (SIGHUP) reach only the command itself."""
    with demo_started(demo_env) as (proc, output, port):
        output.wait_for("Serving ", timeout=120)
        started = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert_all_stop(proc, port, started)


def assert_all_stop(proc: subprocess.Popen[str], port: int, started: set[int]) -> None:
    assert len(started) >= 3, "a worker, runserver and the child runserver serves from"
    assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (connects(port) or running(started)):
        time.sleep(0.2)
    assert not connects(port), "the server still answers"
    assert not running(started), f"still running: {running(started)}"


def descendants(pid: int) -> set[int]:
    """The processes started by `pid`, and by those, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def using(database_url: str) -> set[int]:
    """The processes started with DATABASE_URL set to `database_url`."""
    wanted = f"DATABASE_URL={database_url}".encode()
    found = set()
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if wanted in environ.read_bytes().split(b"\0"):
                found.add(int(environ.parent.name))
        except OSError:
            continue
    return found


def running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


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
