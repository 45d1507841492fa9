import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

# How long to wait for the server's first answer before saying so (it keeps trying).
SLOW_START_SECONDS = 60


def split_addr(addr: str) -> tuple[str, int]:
    """runserver's "host:port", ":port", "port" or "[v6]:port" as a host to reach and a port."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        host, port = "", addr
    if not port.isdigit():
        raise CommandError(f"--addr must end with a port number, as in 127.0.0.1:8000 (not {addr!r})")
    host = host.strip("[]")
    # A server listening on every address is reached, from this machine, on the loopback one.
    if host in ("", "0.0.0.0", "0"):  # noqa: S104 - names runserver takes, not an address we bind
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return host, int(port)


def served_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def answers(host: str, port: int) -> bool:
    """Whether the server at host:port answers an HTTP request (any status will do)."""
    connection = http.client.HTTPConnection(host, port, timeout=1)
    try:
        connection.request("GET", "/robots.txt")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


class Command(BaseCommand):
    help = (
        "Serve the site on 127.0.0.1:8000 together with one background worker; Ctrl-C stops both. "
        "Links in e-mails (SITE_URL) point at the address it serves on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: object, **options: object) -> None:
        addr = str(options["addr"])
        host, port = split_addr(addr)
        url = served_url(host, port)
        # Both processes build links from SITE_URL: the server for pages, the worker for e-mails.
        env = {**os.environ, "SITE_URL": url}
        manage = [sys.executable, "manage.py"]
        # Closing the terminal or `kill` stops both processes as Ctrl-C does.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)
        # Each process in a group of its own, so that stopping it reaches what it started too
        # (runserver serves from a child of its own) and Ctrl-C comes to this command alone.
        worker = subprocess.Popen([*manage, "db_worker", "--queue-name", "*"], env=env, process_group=0)  # noqa: S603
        server = subprocess.Popen([*manage, "runserver", addr], env=env, process_group=0)  # noqa: S603
        processes = (worker, server)
        try:
            if not self._wait_until_answering(host, port, processes):
                return
            self.stdout.write(f"Serving {url}/ with one worker. Press Ctrl-C to stop both.")
            self.stdout.flush()
            while all(proc.poll() is None for proc in processes):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=1)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(processes)

    def _wait_until_answering(self, host: str, port: int, processes: tuple[subprocess.Popen[bytes], ...]) -> bool:
        """Poll the server until it answers (True) or one of the processes ends (False)."""
        started = time.monotonic()
        warned = False
        while not answers(host, port):
            if any(proc.poll() is not None for proc in processes):
                self.stderr.write("The server or the worker stopped before the site answered; see above.")
                return False
            if not warned and time.monotonic() - started > SLOW_START_SECONDS:
                self.stderr.write(f"Still waiting for the server to answer on port {port}…")
                warned = True
            time.sleep(0.2)
        return True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _signal_group(proc: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)


def _stop(processes: tuple[subprocess.Popen[bytes], ...]) -> None:
    """SIGTERM to each process's group (the worker finishes its task), then SIGKILL after 10 s."""
    for proc in processes:
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        # Whatever is left of the group (runserver's serving child, if its parent went first).
        _signal_group(proc, signal.SIGKILL)
        proc.wait()
