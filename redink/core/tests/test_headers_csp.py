"""What every page tells the browser about its own safety.

- The Content-Security-Policy allows scripts and styles from this site only: no
  'unsafe-inline', no nonce, `frame-ancestors 'none'`, `object-src 'none'`; and the pages keep
  to it, so nothing needs 'unsafe-inline' back: no inline script, no `on…=` event attribute,
  no `style=` attribute and no <style> element anywhere (JSON-LD is data, which the policy
  does not run, and is allowed).
- HSTS in production; `X-Forwarded-Proto` believed only when a proxy of our own is in front.
- The session and CSRF cookies of a login: Secure in production, HttpOnly, SameSite=Lax.
"""

from __future__ import annotations

from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.test import Client

from redink.marking.models import Review
from redink.testing.production import production_values

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# <script> types a browser treats as data, never runs, and a CSP does not govern.
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})


class InlineFinder(HTMLParser):
    """Everything in a page that a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None  # the open <script> tag, while its body is read
        self._body = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            kind = (named.get("type") or "").strip().lower()
            is_data = kind in DATA_SCRIPT_TYPES
            self._script = None if ("src" in named or is_data) else self.get_starttag_text() or "<script>"
            self._body = ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._body += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            if self._script is not None and self._body.strip():
                self.found.append(f"inline script {self._script}: {self._body.strip()[:60]!r}")
            self._script = None


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def csp_of(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def library(essay, member, teacher, staff, student):  # type: ignore[no-untyped-def]
    """A published essay with a teacher's review, and an upload waiting for the moderators."""
    from django.test import TestCase

    from redink.submissions.services.uploads import submission_create

    Review.objects.create(
        essay=essay,
        teacher=teacher,
        stars=4,
        strengths="Clear argument.",
        next_steps="Use more sources.",
        status=Review.Status.PUBLISHED,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        pending = submission_create(
            contributor=student,
            title="A draft waiting for review",
            section=essay.section,
            declaration=True,
            text=" ".join(["The treaty changed the balance of power in Europe."] * 40),
        )
    return essay, pending


def pages(essay, pending) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Representative pages for each kind of viewer (None: a visitor)."""
    return {
        "visitor": [
            "/",
            essay.get_absolute_url(),
            "/search/?q=superpowers",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/join/",
            "/no-such-page/",
            "/api/v1/levels/",
            f"/api/v1/essays/{essay.slug}/",
            "/api/v1/docs/",
        ],
        "member": [essay.get_absolute_url(), "/accounts/", "/accounts/profile/", "/check/", "/contribute/"],
        "teacher": [essay.get_absolute_url(), f"/teach/essays/{essay.slug}/review/", "/teach/"],
        "staff": ["/moderation/", f"/moderation/uploads/{pending.pk}/", "/moderation/takedowns/", "/admin/"],
    }


def test_every_page_has_a_strict_policy_and_nothing_inline_that_it_would_block(
    library, member, teacher, staff, settings, tmp_path
):
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path
    essay, pending = library
    viewers = {"visitor": None, "member": member, "teacher": teacher, "staff": staff}
    problems: list[str] = []
    for who, paths in pages(essay, pending).items():
        client = Client()
        if viewers[who] is not None:
            client.force_login(viewers[who])
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), f"{who} {path}: {response.status_code}"
            policy = csp_of(response)
            header = response["Content-Security-Policy"]
            assert "'unsafe-inline'" not in header and "'nonce-" not in header, f"{path}: {header}"
            assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"], path
            assert policy["script-src"][0] == "'self'" and "'unsafe-eval'" not in header, path
            if response["Content-Type"].startswith("text/html"):
                problems += [f"{who} {path}: {found}" for found in inline_code(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_the_inline_finder_sees_each_kind_of_inline_code():
    page = (
        '<script src="/static/js/essay.js"></script><script type="application/ld+json">{"a": 1}</script>'
        '<p>fine</p><script>alert(1)</script><a href="#" onclick="go()">x</a>'
        '<div style="color: red"></div><style>p { color: red }</style>'
    )
    found = inline_code(page)
    assert len(found) == 4
    assert any("alert(1)" in f for f in found) and any("onclick" in f for f in found)
    assert any("style=" in f for f in found) and "<style> element" in found


def test_hsts_in_production_and_the_forwarded_scheme_believed_only_behind_our_own_proxy():
    names = ("SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")
    direct = production_values(*names)
    behind_nginx = production_values(*names, TRUSTED_PROXY_COUNT="1")
    demo = production_values(*names, DEBUG="1")

    assert direct["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    assert behind_nginx["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert demo["SECURE_HSTS_SECONDS"] == 0


def test_without_a_proxy_of_ours_a_client_cannot_claim_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = None  # TRUSTED_PROXY_COUNT = 0
    claimed = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in claimed  # Django sends HSTS on https only

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TRUSTED_PROXY_COUNT = 1
    forwarded = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert forwarded["Strict-Transport-Security"].startswith("max-age=31536000")


def login_cookies(settings, student, password) -> SimpleCookie:  # type: ignore[no-untyped-def]
    client = Client()
    client.get("/accounts/login/")  # the CSRF cookie is set with the form
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post("/accounts/login/", {"login": student.email, "password": password})
    assert response.status_code == 302
    cookies = SimpleCookie()
    cookies[settings.CSRF_COOKIE_NAME] = csrf.value
    cookies[settings.CSRF_COOKIE_NAME].update({k: v for k, v in csrf.items() if v})
    for name, morsel in response.cookies.items():
        cookies[name] = morsel.value
        cookies[name].update({k: v for k, v in morsel.items() if v})
    return cookies


def test_the_login_cookies_are_secure_http_only_and_same_site_lax(settings, student, password):
    # The production values (test_hsts… above reads them from a production process).
    production = production_values("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    assert production == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    cookies = login_cookies(settings, student, password)

    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        header = cookies[name].OutputString()
        assert cookies[name]["secure"], header
        assert cookies[name]["httponly"], header
        assert cookies[name]["samesite"] == "Lax", header
