"""A real gunicorn + nginx stack for the tests that go through nginx's cache.

One stack per test session (`nginx_stack`), on free ports, with its own database: a SQLite
file, or on a PostgreSQL run a scratch database beside the test one. Its processes are other
processes, so they cannot see pytest-django's test database (on SQLite it lives in this
process's memory) nor its uncommitted transactions; the tests write through the site itself
(the admin) or through `Stack.manage`, as an operator would. When nginx or gunicorn is missing
the tests skip, except under REDINK_REQUIRE_SERVICES=1 (CI), where that is a failure.

Register the fixture in the test module (or a `conftest.py`):

    from redink.testing import stack as stack_fixtures

    nginx_stack = stack_fixtures.nginx_stack
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlencode, urlsplit

import pytest

from redink.ops.stack import BASE_DIR, NGINX_BINARY, Stack, ensure_database, free_port
from redink.testing.environment import services_required

# Short, so a test can watch a cached page expire; long enough for a few requests in a row.
CACHE_SECONDS = 3


def stack_unavailable(reason: str) -> NoReturn:
    if services_required():
        pytest.fail(
            f"{reason} (REDINK_REQUIRE_SERVICES=1, so the tests through nginx may not be skipped)", pytrace=False
        )
    pytest.skip(reason)


@dataclass
class Site:
    """The running stack and what `SEED` put in its database."""

    stack: Stack
    data: dict[str, Any]

    def visitor(self, cookies: Mapping[str, str] | None = None) -> Client:
        return Client(self.stack.url, dict(cookies or {}))


@pytest.fixture(scope="session")
def nginx_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not NGINX_BINARY.exists():
        stack_unavailable(f"nginx not found at {NGINX_BINARY} (apt-get install nginx)")
    if importlib.util.find_spec("gunicorn") is None:
        stack_unavailable("gunicorn is not installed (pip install -r requirements.txt)")
    run_dir = tmp_path_factory.mktemp("stack")
    database_url, drop = _scratch_database(run_dir)
    stack = Stack(
        run_dir,
        http_port=free_port(),
        web_port=free_port(),
        web_workers=2,
        database_url=database_url,
        # Database-backed sessions and cache: the suite empties its own Redis database between
        # tests, which would sign this stack's members out under them.
        redis_url="",
        env={"REDINK_SHARED_CACHE_SECONDS": str(CACHE_SECONDS)},
        services=("web", "nginx"),
    )
    try:
        stack.up()
        site = Site(stack, json.loads(stack.manage("shell", "-c", SEED).strip().splitlines()[-1]))
        yield site
    finally:
        stack.down()
        drop()


def _scratch_database(run_dir: Path) -> tuple[str, Any]:
    """A database for the stack: beside the test run's PostgreSQL database, else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return f"sqlite:///{run_dir / 'stack.sqlite3'}", lambda: None
    scratch = parts._replace(path=f"{parts.path}_nginx").geturl()
    _drop_database(scratch)  # left by a run that was killed
    ensure_database(scratch)
    return scratch, lambda: _drop_database(scratch)


def _drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        name = sql.Identifier(parts.path.lstrip("/"))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


# Run once in the stack's database (`manage.py shell -c`); prints what the tests need as JSON.
SEED = """
import json
from django.conf import settings
from django.test import Client
from django.urls import reverse
from redink.catalogue.services import essay_create
from redink.testing import factories

section = factories.SectionFactory(
    name="Cold War", slug="cold-war",
    subject=factories.SubjectFactory(name="History", slug="history", level=factories.LevelFactory(name="GCSE", slug="gcse")),
)
essays = []
for n in range(1, 5):
    paragraphs = [f"Essay {n} opens with the question of detente and the argument that follows from it."]
    paragraphs += [" ".join([f"Paragraph {p} of essay {n} weighs the evidence from the period."] * 3) for p in range(2, 6)]
    paragraphs.append(f"MEMBERS-ONLY closing judgement of essay {n}.")
    essay = essay_create(
        title=f"Detente and the superpowers, part {n}", text="\\n\\n".join(paragraphs),
        section=section, status="published",
    )
    essays.append({"pk": essay.pk, "slug": essay.slug, "title": essay.title, "url": essay.get_absolute_url()})

def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value

# Signed in by session alone: no password, so none is hashed (the slow part of making a user).
member = factories.UserFactory(display_name="Paying Member", password=None)
factories.grant_membership(member)
leaving = factories.UserFactory(display_name="Leaving Member", password=None)
factories.grant_membership(leaving)
staff = factories.UserFactory(display_name="Moderator", is_staff=True, is_superuser=True, password=None)
print(json.dumps({
    "essays": essays,
    "section_url": section.get_absolute_url(),
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "member": session_of(member),
    "leaving": session_of(leaving),
    "staff": session_of(staff),
    "logout_url": reverse("account_logout"),
    "essay_admin_url": reverse("admin:catalogue_essay_changelist"),
}))
"""


class Prepared:
    """A `manage.py shell` that has started Django and waits: `go()` runs its write at once.

    Starting Django takes seconds; a test that must know when a write lands (before a cached
    copy expires) prepares it first and lets it go when it is ready."""

    def __init__(self, stack: Stack, code: str, env: Mapping[str, str]) -> None:
        script = f"print('ready', flush=True)\ninput()\n{code}\nprint('done', flush=True)\n"
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter and manage.py
            [stack.python, str(BASE_DIR / "manage.py"), "shell", "-c", script],
            env={**stack.environment(), **env},
            cwd=BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = "-"
        while line and line.strip() != "ready":  # the shell may first say what it imported
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"manage.py shell did not start: {self.process.communicate()[1][-2000:]}")

    def go(self) -> None:
        out, err = self.process.communicate("\n", timeout=60)
        if "done" not in out.split():
            raise RuntimeError(f"the write failed: {err[-2000:]}")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def body(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def cache_status(self) -> str:
        return self.header("X-Cache-Status")

    @property
    def set_cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Client:
    """A visitor's HTTP client, keeping cookies as a browser does (no redirects followed)."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: Mapping[str, str]) -> Response:
        body = urlencode(data)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def request(
        self, method: str, path: str, body: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Response:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def csrf_token(self, path: str) -> str:
        """The form token on a page (the CSRF cookie comes with it)."""
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if match is None:
            raise AssertionError(f"no form on {path} (status {page.status})")
        return match.group(1)
