"""Throwaway servers for the fault tests: a Redis of their own on a free port, never the shared one."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from redink.ops.stack import free_port
from redink.testing.environment import services_required


def redis_server_binary() -> str:
    """Debian's redis-server; the test is skipped without it, unless services are required."""
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else "")
    if not found:
        if services_required():
            pytest.fail("REDINK_REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    return found


class ThrowawayRedis:
    """A Redis that keeps nothing on disk, started and stopped by the test itself."""

    def __init__(self, directory: Path, port: int = 0) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def original_texts(count: int) -> list[tuple[str, str]]:
    """(title, text) of `count` generated essays that copy nothing, from the project's corpus generator."""
    from redink.corpus.plan import build_plan
    from redink.corpus.text import write_essay

    corpus = build_plan(seed=21, essays=count * 4)
    drafts = [write_essay(corpus=corpus, index=i) for i in range(len(corpus))]
    return [(d.title, "\n\n".join(d.paragraphs)) for d in drafts if not d.plan.copy_kind][:count]
