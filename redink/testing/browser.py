"""Fixtures and helpers for tests that drive a real Chromium through Playwright.

One browser per test session, a fresh context (cookies, cache, viewport) per test. Debian's
Chromium is used because browsers cannot be downloaded on our machines. When it or Playwright
is missing the tests skip with the reason, except under REDINK_REQUIRE_SERVICES=1 (CI), where a
missing browser is a failure: a green build must mean the browser tests ran.

Register the fixtures from a `conftest.py` next to the tests:

    from redink.testing.browser import axe, browser_context, chromium_browser, page  # noqa: F401
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from redink.testing.environment import services_required

if TYPE_CHECKING:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Browser, BrowserContext, Page

# Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses
# ORM calls from a thread with a running loop. The calls here are plain synchronous test code
# (factories, sessions), so the guard is switched off for the test process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_PATH = Path(os.environ.get("REDINK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's default is 30 s; a page of this site renders in milliseconds, so a wait that
# long only hides a hang.
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    mobile: bool

    @property
    def context_options(self) -> dict[str, Any]:
        # is_mobile makes Chromium honour <meta name="viewport">, as a phone does.
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.mobile,
            "has_touch": self.mobile,
        }


PHONE = Screen("phone", 375, 740, mobile=True)
DESKTOP = Screen("desktop", 1280, 900, mobile=False)
SCREENS = (PHONE, DESKTOP)

SERIOUS_IMPACTS = frozenset({"serious", "critical"})


def browser_unavailable(reason: str) -> NoReturn:
    if services_required():
        pytest.fail(f"{reason} (REDINK_REQUIRE_SERVICES=1, so the browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("Playwright is not installed (pip install -r requirements-dev.txt)")
    if not CHROMIUM_PATH.exists():
        browser_unavailable(f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        playwright.stop()
        browser_unavailable(f"Chromium at {CHROMIUM_PATH} did not start: {exc.message.splitlines()[0]}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture(scope="session")
def axe() -> Axe:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        browser_unavailable("axe-playwright-python is not installed (pip install -r requirements-dev.txt)")
    return Axe()


@pytest.fixture
def browser_context(chromium_browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Makes fresh browser contexts on the live server (`new_context(PHONE)`); all closed after the test."""
    contexts: list[BrowserContext] = []

    def new_context(screen: Screen = DESKTOP) -> BrowserContext:
        context = chromium_browser.new_context(base_url=live_server.url, **screen.context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    requests = _requests_in_flight(live_server)
    with _test_queries_wait_for_the_server(requests):
        yield new_context
        for context in contexts:
            context.close()
    # A page may have left a request running (the reading beacon fires as a page is left); the
    # database is emptied after the test, on the connection the server shares, so wait for it.
    if not requests.wait_until_idle(timeout=10):
        pytest.fail("The live server was still answering a request 10 s after the test ended")


class _CountingApp:
    """The live server's WSGI application, counting the requests it is still answering.

    On SQLite the server's threads share the test's one in-memory connection, so it answers one
    request at a time. Two at once (a page's search while the page it left sends its reading
    beacon) interleaved their transactions on that connection: one's `atomic` popped the other's
    block, and the connection was left thinking it was inside a transaction, so nothing queued
    to run on commit (processing the next upload) ever ran."""

    def __init__(self, app: Callable[..., Any], *, one_at_a_time: bool) -> None:
        self.app = app
        self.busy = 0
        self.changed = threading.Condition()
        self.turn: AbstractContextManager[Any] = threading.Lock() if one_at_a_time else nullcontext()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self.changed:
            self.busy += 1
        try:
            with self.turn:
                return self.app(environ, start_response)
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_until_idle(self, *, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.busy == 0, timeout=timeout)


@contextmanager
def _test_queries_wait_for_the_server(requests: _CountingApp) -> Iterator[None]:
    """The test's own queries wait until the live server has answered what it is answering. On
    SQLite the server shares the test's connection: a row the test wrote while a request's
    transaction was open went with that transaction's rollback (a member made for the next step
    vanished while the previous page's beacon was answered)."""
    from django.db import connection

    test_thread = threading.current_thread()

    def wait(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if threading.current_thread() is test_thread:
            requests.wait_until_idle(timeout=10)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wait):
        yield


def _requests_in_flight(live_server: Any) -> _CountingApp:
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    if not isinstance(app, _CountingApp):
        from django.db import connection

        app = _CountingApp(app, one_at_a_time=connection.vendor == "sqlite")
        httpd.set_app(app)
    return app


@pytest.fixture
def page(browser_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh desktop-sized context."""
    return browser_context(DESKTOP).new_page()


def log_in(context: BrowserContext, user: Any, *, base_url: str) -> None:
    """Gives the context a logged-in session without going through the form (the flow test does that)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def serious_axe_violations(axe: Axe, page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    results = axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS_IMPACTS]


def axe_violations(axe: Axe, page: Page) -> list[dict[str, Any]]:
    """Every violation axe-core finds on the page as it is now, whatever its impact: nothing
    disabled, nothing excluded (minor and moderate ones are still barriers for someone)."""
    results = axe.run(page)
    return list(results.response["violations"])


def tab_to(page: Page, target: Any, *, limit: int = 80) -> int:
    """Press Tab until `target` (a locator) has the focus, as a keyboard user moves through the
    page; fails if it is not reached within `limit` presses. Returns the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return presses
    pytest.fail(f"Tab did not reach {target} in {limit} presses", pytrace=False)


def describe_axe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " >> ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    - {target}: {summary[:300]}")
    return "\n".join(lines)


def usability_problems(page: Page, screen: Screen) -> list[str]:
    """What stops a person using the page at this screen size: sideways scrolling, no search box, no heading."""
    problems = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    # A phone lays out at its own width only with a working meta viewport, and zooms out (so
    # innerWidth grows to match) when content is wider: both mean sideways scrolling or tiny text.
    if scroll_width > inner_width or inner_width > screen.width:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
                .slice(0, 5)
                .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (typeof el.className === 'string' && el.className.trim()
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))""",
            screen.width,
        )
        culprits = wide or "none (check the meta viewport)"
        problems.append(
            f"content is {scroll_width}px wide in a {inner_width}px window on a {screen.width}px screen "
            f"(the page scrolls sideways or is zoomed out); wider than the screen: {culprits}"
        )
    if not page.locator(".site-header input[type=search]").is_visible():
        problems.append("the header search box is not visible")
    headings = page.locator("main h1")
    if headings.count() != 1 or not headings.first.is_visible():
        problems.append(f"expected one visible main heading (h1), found {headings.count()}")
    return problems
