"""The production process stack on one machine: migrations, gunicorn, task workers, the
scheduler and nginx with its page cache, started and stopped as a unit.

`make prod-up` / `make prod-down` and `python manage.py stack up|down|status` drive it; the
tests through nginx, the fault scripts and the load benchmark import it:

    from redink.ops.stack import Stack

    stack = Stack(
        run_dir,                      # everything it writes: pids, logs, static, nginx cache
        http_port=8080,               # nginx, on 127.0.0.1
        web_port=8001,                # gunicorn, on 127.0.0.1, behind nginx
        web_workers=2,                # gunicorn worker processes
        database_url="postgres://postgres@127.0.0.1:5432/redink_prod",
        redis_url="redis://127.0.0.1:6379/2",  # "" for database-backed cache, sessions, tasks
        env={"REDINK_SHARED_CACHE_SECONDS": "2"},  # anything else for every process
    )
    stack.up()        # returns once every process answers; raises StackError otherwise
    stack.url         # "http://127.0.0.1:8080"
    stack.down()      # stops exactly the processes it recorded, TERM then KILL

Every process runs in a session of its own, so a stack outlives the command that started it
and a terminal's Ctrl-C does not reach it. Its pid (and the kernel's start time for that pid,
so that a pid reused by someone else is never signalled) is written to `<run_dir>/pids/`, its
output to `<run_dir>/logs/<name>.log`. This module imports nothing from Django: it starts
Django processes, it does not run in one (so it needs no SECRET_KEY of its own).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
NGINX_TEMPLATE = BASE_DIR / "deploy" / "nginx.conf"
GUNICORN_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"
NGINX_BINARY = Path(os.environ.get("REDINK_NGINX", "/usr/sbin/nginx"))

# The task worker, as `manage.py` arguments. With Redis the RQ worker, whose scheduler runs the
# deferred retries (redink.ops.retries names this same command); it runs tasks in its own process
# (SimpleWorker) rather than forking one per task, which would leave a metrics file per task in
# PROMETHEUS_MULTIPROC_DIR. Without Redis, the database worker.
WORKER_COMMAND: tuple[str, ...] = (
    "rqworker",
    "--job-class",
    "django_tasks_rq.Job",
    "--worker-class",
    "rq.worker.SimpleWorker",
    "--with-scheduler",
    "default",
)
DATABASE_WORKER_COMMAND: tuple[str, ...] = ("db_worker", "--queue-name", "*")
SCHEDULER_COMMAND: tuple[str, ...] = ("run_scheduler",)

SERVICES = ("web", "worker", "scheduler", "nginx")
# How long a process may take to answer after it starts, and to stop after SIGTERM.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# A process with no way to ask it whether it is ready counts as ready once it has stayed up this long.
SETTLE_SECONDS = 1.0


# How the runner tells a process is ready: None for "still running after SETTLE_SECONDS".
_Ready: TypeAlias = Callable[[], bool] | None


# How the preparing process marks what `warm_database` said, among migrate's own lines.
WARMED = "warm_database: "


class StackError(RuntimeError):
    """The stack could not be started (the message says which process and where its log is)."""


@dataclass(frozen=True)
class Started:
    name: str
    pid: int
    log: Path


@dataclass
class Stack:
    """One machine's Redink processes (see the module docstring for an example).

    `services` picks which long-running processes `up` starts (all of web, worker, scheduler
    and nginx by default; the tests start only web and nginx). `worker_command` replaces the
    task worker's `manage.py` arguments. `env` is added to the environment every process gets,
    after the stack's own settings, so it can override them.
    """

    run_dir: Path
    http_port: int = 8080
    web_port: int = 8001
    web_workers: int = 2
    database_url: str = "postgres://postgres@127.0.0.1:5432/redink_prod"
    redis_url: str = "redis://127.0.0.1:6379/2"
    env: Mapping[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"
    task_workers: int = 1
    worker_command: Sequence[str] | None = None
    services: Sequence[str] = SERVICES
    nginx_workers: int = 1
    python: str = sys.executable
    # What `warm_database` said when `up` last prepared the database (printed by `prod-up`).
    warmed: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        self.run_dir = Path(self.run_dir).resolve()
        unknown = set(self.services) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown services {sorted(unknown)}; choose from {', '.join(SERVICES)}")

    # --- Where things are ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The address visitors use: nginx."""
        return f"http://{self.host}:{self.http_port}"

    @property
    def web_url(self) -> str:
        """gunicorn itself, behind nginx."""
        return f"http://{self.host}:{self.web_port}"

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def pid_dir(self) -> Path:
        return self.run_dir / "pids"

    @property
    def static_root(self) -> Path:
        return self.run_dir / "static"

    @property
    def media_root(self) -> Path:
        return self.run_dir / "media"

    @property
    def nginx_dir(self) -> Path:
        return self.run_dir / "nginx"

    @property
    def cache_dir(self) -> Path:
        """nginx's page cache: `redink.ops.purge` deletes files here."""
        return self.nginx_dir / "cache"

    @property
    def nginx_conf(self) -> Path:
        return self.nginx_dir / "nginx.conf"

    def environment(self) -> dict[str, str]:
        """What every process of the stack runs with: production settings on loopback."""
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "0",
                "SECRET_KEY": env.get("SECRET_KEY") or self._secret_key(),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "TASKS_BACKEND": "rq" if self.redis_url else "database",
                "ALLOWED_HOSTS": "127.0.0.1,localhost,[::1]",
                "SITE_URL": self.url,
                # Plain http on loopback: Secure cookies would never come back.
                "SECURE_COOKIES": "0",
                "SECURE_HSTS_SECONDS": "0",
                "TRUSTED_PROXY_COUNT": "1",
                "STATIC_MANIFEST": "1",
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(self.media_root),
                "REDINK_NGINX_CACHE_DIR": str(self.cache_dir),
                "PROMETHEUS_MULTIPROC_DIR": str(self.run_dir / "prometheus"),
                "REDINK_GUNICORN_CONTROL_SOCKET": str(self.run_dir / "gunicorn.ctl"),
                # No mail server on a loopback trial: e-mails are written to the processes' logs.
                "EMAIL_BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.env)
        return env

    def _secret_key(self) -> str:
        """A key generated once per run dir, so sessions survive a restart of the stack."""
        path = self.run_dir / "secret_key"
        if not path.exists():
            self.run_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()

    # --- Up ---------------------------------------------------------------------------------

    def up(self, *, load_demo: bool = False, prepare: bool = True) -> list[Started]:
        """Prepare the database and static files, then start the processes, each once it is
        ready. Returns what it started (nothing if the whole stack was already running).

        `load_demo` loads the demo library's essays when the database holds none; `prepare`
        False skips migrate and collectstatic (a restart of processes only)."""
        running = self.status()
        if running and all(running.values()) and set(running) >= set(self._names()):
            return []
        if running:
            self.down()  # what is left of an earlier stack, stopped before a clean start
        for directory in (self.log_dir, self.pid_dir, self.static_root, self.media_root, self.cache_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self._preflight()
        env = self.environment()
        prometheus = Path(env["PROMETHEUS_MULTIPROC_DIR"])
        shutil.rmtree(prometheus, ignore_errors=True)  # counters from a previous run would add up
        prometheus.mkdir(parents=True)
        if prepare:
            self.prepare_database(env, load_demo=load_demo)
        started: list[Started] = []
        try:
            for name, command, ready in self._plan(env):
                started.append(self._start(name, command, env, ready))
        except BaseException:
            self.down()
            raise
        return started

    def prepare_database(self, env: Mapping[str, str], *, load_demo: bool = False) -> None:
        """Create the PostgreSQL database if missing, migrate, collect static files, with
        `load_demo` load the demo essays into an empty library, and read the tables into the
        machine's cache (`warm_database`)."""
        ensure_database(self.database_url)
        # One process for all of it: each start of Django costs seconds.
        steps = [
            "from django.core.management import call_command",
            "call_command('migrate', interactive=False, verbosity=1)",
            "call_command('collectstatic', interactive=False, verbosity=0)",
        ]
        if not self.redis_url:
            steps.append("call_command('createcachetable')")
        if load_demo:
            # Essays only: the demo accounts exist in demo mode (DEBUG) alone.
            steps += [
                "from redink.catalogue.models import Essay",
                "if not Essay.objects.exists(): call_command('load_demo', essays_only=True)",
            ]
        # Last: the tables read into the machine's cache before the first request (redink.ops.warm).
        steps += ["from redink.ops.warm import warm_database", f"print({WARMED!r} + warm_database().summary())"]
        try:
            output = self.manage("shell", "-c", "\n".join(steps), env=env)
        except StackError as exc:
            raise StackError(f"preparing the database and static files failed: {exc}") from exc
        self.warmed = next((line.removeprefix(WARMED) for line in output.splitlines() if line.startswith(WARMED)), "")

    def manage(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run one `manage.py` command with the stack's settings; its output, or StackError."""
        command = [self.python, str(BASE_DIR / "manage.py"), *args]
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            command, env=dict(env or self.environment()), cwd=BASE_DIR, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()[-15:]
            raise StackError(f"manage.py {' '.join(args[:1])} failed:\n" + "\n".join(output))
        return result.stdout

    def _names(self) -> list[str]:
        names = []
        for service in self.services:
            if service == "worker":
                names += [f"worker-{n}" for n in range(1, self.task_workers + 1)]
            elif service == "scheduler":
                if self._scheduler_exists():
                    names.append("scheduler")
            else:
                names.append(service)
        return names

    def _plan(self, env: Mapping[str, str]) -> Iterable[tuple[str, list[str], _Ready]]:
        manage = [self.python, str(BASE_DIR / "manage.py")]
        if "web" in self.services:
            gunicorn = [
                self.python,
                "-m",
                "gunicorn",
                "-c",
                str(GUNICORN_CONFIG),
                "--bind",
                f"{self.host}:{self.web_port}",
                "--workers",
                str(self.web_workers),
                "redink.wsgi",
            ]
            yield "web", gunicorn, _answers(self.host, self.web_port)
        if "worker" in self.services:
            worker = list(self.worker_command or (WORKER_COMMAND if self.redis_url else DATABASE_WORKER_COMMAND))
            for n in range(1, self.task_workers + 1):
                yield f"worker-{n}", [*manage, *worker], None
        if "scheduler" in self.services and self._scheduler_exists():
            yield "scheduler", [*manage, *SCHEDULER_COMMAND], None
        if "nginx" in self.services:
            self.render_nginx_conf()
            # In the foreground (its own pid is the one recorded), logs from the first line on in the run dir.
            directives = "daemon off;"
            if os.geteuid() == 0:
                # Started by root, nginx would hand its workers to `nobody`, who may not enter the
                # run dir; they stay root's, and so do the cache files the web processes purge.
                directives += " user root;"
            nginx = [str(NGINX_BINARY), "-p", str(self.nginx_dir), "-c", str(self.nginx_conf), "-g", directives]
            nginx += ["-e", str(self.log_dir / "nginx-error.log")]
            self._check_nginx_conf(nginx)
            yield "nginx", nginx, _answers(self.host, self.http_port)

    @staticmethod
    def _scheduler_exists() -> bool:
        return any(BASE_DIR.glob(f"redink/*/management/commands/{SCHEDULER_COMMAND[0]}.py"))

    def _start(self, name: str, command: list[str], env: Mapping[str, str], ready: _Ready) -> Started:
        log = self.log_dir / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - commands built above from our own paths
                command,
                env=dict(env),
                cwd=BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _write_pid(self.pid_dir / f"{name}.pid", process.pid)
        deadline = time.monotonic() + START_TIMEOUT
        settled = time.monotonic() + SETTLE_SECONDS
        while True:
            if process.poll() is not None:
                raise StackError(f"{name} exited with status {process.returncode}; see {log}:\n{_tail(log)}")
            now = time.monotonic()
            if ready() if ready else now >= settled:
                return Started(name, process.pid, log)
            if now > deadline:
                raise StackError(f"{name} did not answer within {START_TIMEOUT:.0f} s; see {log}:\n{_tail(log)}")
            time.sleep(0.1)

    def _preflight(self) -> None:
        """What would stop the stack half-way, said before the database is touched."""
        if "nginx" in self.services and not NGINX_BINARY.exists():
            raise StackError(f"nginx not found at {NGINX_BINARY} (apt-get install nginx)")
        ports = {"web": self.web_port, "nginx": self.http_port}
        for service, port in ports.items():
            if service in self.services and not port_free(self.host, port):
                raise StackError(f"{self.host}:{port} (for {service}) is already in use by another program")

    def _check_nginx_conf(self, nginx: list[str]) -> None:
        result = subprocess.run([*nginx, "-t", "-q"], capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise StackError(f"nginx refused {self.nginx_conf}:\n{result.stderr.strip()}")

    def render_nginx_conf(self) -> Path:
        """Write deploy/nginx.conf with this stack's ports and paths filled in."""
        for sub in ("logs", "temp"):
            (self.nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        values = {
            "listen": f"{self.host}:{self.http_port}",
            "upstream": f"{self.host}:{self.web_port}",
            "server_name": self.host,
            "run_dir": str(self.nginx_dir),
            "cache_dir": str(self.cache_dir),
            "static_root": f"{self.static_root}/",
            "media_root": f"{self.media_root}/",
            "log_dir": str(self.log_dir),
            "nginx_workers": str(self.nginx_workers),
        }
        self.nginx_conf.write_text(render_template(NGINX_TEMPLATE.read_text(), values))
        return self.nginx_conf

    # --- Down and status ---------------------------------------------------------------------

    def status(self) -> dict[str, bool]:
        """Each recorded process by name: whether it is still running."""
        return {path.stem: _recorded_alive(path) for path in sorted(self.pid_dir.glob("*.pid"))}

    def down(self, timeout: float = STOP_TIMEOUT) -> list[str]:
        """Stop the recorded processes (web last, so requests in flight finish) and forget them.

        SIGTERM to each process's group (gunicorn and nginx stop their workers, the task worker
        finishes its task), then SIGKILL to whatever is left after `timeout`. Returns the names
        of the processes that were running."""
        records = sorted(self.pid_dir.glob("*.pid"), key=_stop_order)
        stopped: list[str] = []
        alive: list[tuple[Path, int, dict[int, str]]] = []
        for path in records:
            pid = _recorded_pid(path)
            if pid is not None:
                stopped.append(path.stem)
                # Its children too (an RQ work horse runs in a process group of its own).
                alive.append((path, pid, _descendants(pid)))
                _signal_group(pid, signal.SIGTERM)
            else:
                path.unlink(missing_ok=True)
        deadline = time.monotonic() + timeout
        for path, pid, children in alive:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                _signal_group(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
            # Whatever outlived its parent: the rest of the group, and the children seen above
            # if they are still those processes.
            _signal_group(pid, signal.SIGKILL)
            for child, started in children.items():
                if _start_time(child) == started:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(child, signal.SIGKILL)
            path.unlink(missing_ok=True)
        return stopped


def _answers(host: str, port: int) -> Callable[[], bool]:
    def ready() -> bool:
        connection = http.client.HTTPConnection(host, port, timeout=2)
        try:
            connection.request("GET", "/robots.txt", headers={"Host": host})
            connection.getresponse().read()
        except OSError:
            return False
        finally:
            connection.close()
        return True

    return ready


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (for tests that start a stack of their own)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill `{{ name }}` placeholders; a placeholder with no value is an error, not a blank."""
    import re

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise StackError(f"{NGINX_TEMPLATE} has a placeholder {{{{ {name} }}}} the runner does not know")
        return values[name]

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", fill, template)


def ensure_database(database_url: str) -> None:
    """Create a PostgreSQL database named by the URL if it does not exist (SQLite makes its own file)."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        raise StackError(f"cannot reach PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}") from exc


# --- Process records ---------------------------------------------------------------------------


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process (field 22 of /proc/<pid>/stat), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # exited, waiting for its parent to collect it
        return None
    return fields[19]


def _write_pid(path: Path, pid: int) -> None:
    path.write_text(f"{pid}\n{_start_time(pid) or ''}\n")


def _recorded_pid(path: Path) -> int | None:
    """The pid in a record if that very process still runs (not a later one given the same pid)."""
    try:
        lines = path.read_text().split()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    started = lines[1] if len(lines) > 1 else None
    current = _start_time(pid)
    if current is None or (started is not None and current != started):
        return None
    return pid


def _recorded_alive(path: Path) -> bool:
    return _recorded_pid(path) is not None


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # collects it if this process started it
    return _start_time(pid) is not None


def _descendants(pid: int) -> dict[int, str]:
    """The processes below `pid` now, each with its start time."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: dict[int, str] = {}
    queue = list(parents.get(pid, []))
    while queue:
        child = queue.pop()
        started = _start_time(child)
        if started is not None and child not in found:
            found[child] = started
            queue += parents.get(child, [])
    return found


def _signal_group(pid: int, signum: int) -> None:
    """Signal the process group the stack made for this process (its pid is the group's id)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def _stop_order(path: Path) -> int:
    # nginx first (no new requests), then the scheduler and workers, gunicorn last.
    order = {"nginx": 0, "scheduler": 1, "web": 3}
    return order.get(path.stem, 2)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- Command line: `python -m redink.ops.stack` and `manage.py stack` ---------------------------


def default_stack(run_dir: Path | None = None) -> Stack:
    """The stack `make prod-up` runs, configured by the environment with loopback defaults."""
    return Stack(
        run_dir=run_dir or Path(os.environ.get("REDINK_RUN_DIR", BASE_DIR / ".prod")),
        http_port=int(os.environ.get("REDINK_HTTP_PORT", "8080")),
        web_port=int(os.environ.get("REDINK_WEB_PORT", "8001")),
        web_workers=int(os.environ.get("WEB_CONCURRENCY", "2")),
        database_url=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/redink_prod",
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2"),
        task_workers=int(os.environ.get("REDINK_TASK_WORKERS", "1")),
    )


def main(argv: Sequence[str] | None = None, stack: Stack | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stack", description="Start, stop or show Redink's production stack.")
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--no-demo", action="store_true", help="Do not load the demo essays into an empty library.")
    args = parser.parse_args(argv)
    stack = stack or default_stack()
    if args.action == "up":
        return _up(stack, load_demo=not args.no_demo)
    if args.action == "down":
        stopped = stack.down()
        print(f"Stopped {', '.join(stopped)}." if stopped else "Nothing was running.")
        return 0
    status = stack.status()
    if not status:
        print(f"Not running (no processes recorded in {stack.pid_dir}).")
        return 3
    for name, alive in status.items():
        print(f"  {name:<10} {'running' if alive else 'STOPPED'}")
    return 0 if all(status.values()) else 1


def _up(stack: Stack, *, load_demo: bool) -> int:
    print(f"Starting the stack in {stack.run_dir} (database {_redacted(stack.database_url)}) …", flush=True)
    try:
        started = stack.up(load_demo=load_demo)
    except StackError as exc:
        print(f"The stack did not start: {exc}", file=sys.stderr)
        return 1
    if not started:
        print(f"Already running at {stack.url}/ (`make prod-down` stops it).")
        return 0
    if stack.warmed:
        print(f"  {stack.warmed}")
    for process in started:
        print(f"  {process.name:<10} pid {process.pid:<8} log {process.log}")
    print(f"Serving {stack.url}/ through nginx (gunicorn on {stack.web_url}, {stack.web_workers} workers).")
    print(f"Pids in {stack.pid_dir}; `make prod-down` stops exactly these processes.")
    return 0


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return parts._replace(netloc=f"{parts.username}:***@{parts.hostname}:{parts.port or ''}").geturl()
    return url


if __name__ == "__main__":
    sys.exit(main())
