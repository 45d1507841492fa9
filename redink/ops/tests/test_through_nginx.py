"""Through the production front: nginx and its page cache before gunicorn (deploy/nginx.conf).

What a visitor and a member get, what the cache keeps and for how long, and that withdrawing
an essay reaches visitors at once. One stack for the test session (redink/testing/stack.py).
"""

from __future__ import annotations

import gzip
import os
import re
import time
from pathlib import Path

from django.conf import settings

from redink.ops import purge
from redink.ops.stack import NGINX_BINARY, NGINX_TEMPLATE, Stack, free_port
from redink.testing.stack import CACHE_SECONDS, Prepared, Site, stack_unavailable

HASHED_CSS = re.compile(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')


def essay(site: Site, n: int) -> dict[str, str]:
    return site.data["essays"][n]


def member_marker(site: Site, n: int) -> str:
    """Text only a member sees: the essay's last paragraph."""
    return f"MEMBERS-ONLY closing judgement of essay {n + 1}."


# --- The stack answers through nginx --------------------------------------------------------------


def test_pages_static_files_and_not_found_through_nginx(nginx_stack: Site) -> None:
    visitor = nginx_stack.visitor()
    home = visitor.get("/")
    assert home.status == 200
    assert home.cache_status in {"MISS", "HIT", "EXPIRED"}
    page = visitor.get(essay(nginx_stack, 0)["url"])
    assert page.status == 200
    assert essay(nginx_stack, 0)["title"] in page.body

    # Static files have content-hashed names, a year's expiry, and a compressed copy.
    stylesheet = HASHED_CSS.search(page.body)
    assert stylesheet, "the page links no stylesheet with a hashed name (collectstatic's manifest)"
    css = visitor.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.header("Content-Encoding") == "gzip"
    assert "max-age=31536000" in css.header("Cache-Control")
    assert "{" in gzip.decompress(css.raw).decode()

    missing = visitor.get("/essays/no-such-essay-here/")
    assert missing.status == 404
    assert "We couldn't find that page" in missing.body


def test_a_visitors_page_is_served_from_the_cache_and_sets_no_cookie(nginx_stack: Site) -> None:
    visitor = nginx_stack.visitor()
    url = essay(nginx_stack, 0)["url"]
    first, second = visitor.get(url), visitor.get(url)
    assert second.cache_status == "HIT"
    for response in (first, second):
        assert response.set_cookies == []
        assert "s-maxage" in response.header("Cache-Control")
        assert "cookie" not in response.header("Vary").lower()
    assert member_marker(nginx_stack, 0) not in second.body
    assert visitor.cookies == {}


# --- Members and visitors never share a page ------------------------------------------------------


def test_a_member_never_gets_the_visitors_cached_page(nginx_stack: Site) -> None:
    url = essay(nginx_stack, 0)["url"]
    nginx_stack.visitor().get(url)
    assert nginx_stack.visitor().get(url).cache_status == "HIT"  # the visitor's copy is cached

    member = nginx_stack.visitor({nginx_stack.data["session_cookie"]: nginx_stack.data["member"]})
    page = member.get(url)
    assert page.status == 200
    assert page.cache_status == "BYPASS"
    assert member_marker(nginx_stack, 0) in page.body  # the full text, not the preview
    assert "no-store" in page.header("Cache-Control")


def test_a_members_page_is_never_kept_for_visitors(nginx_stack: Site) -> None:
    url = essay(nginx_stack, 1)["url"]
    member = nginx_stack.visitor({nginx_stack.data["session_cookie"]: nginx_stack.data["member"]})
    assert member_marker(nginx_stack, 1) in member.get(url).body

    visitor_page = nginx_stack.visitor().get(url)
    assert visitor_page.cache_status in {"MISS", "EXPIRED"}  # nothing of the member's was stored
    assert member_marker(nginx_stack, 1) not in visitor_page.body
    assert essay(nginx_stack, 1)["title"] in visitor_page.body


def test_after_logging_out_the_browser_gets_the_visitors_page(nginx_stack: Site) -> None:
    url = essay(nginx_stack, 0)["url"]
    cookie = nginx_stack.data["session_cookie"]
    browser = nginx_stack.visitor({cookie: nginx_stack.data["leaving"]})
    assert member_marker(nginx_stack, 0) in browser.get(url).body

    token = browser.csrf_token(nginx_stack.data["logout_url"])
    logged_out = browser.post(nginx_stack.data["logout_url"], {"csrfmiddlewaretoken": token})
    assert logged_out.status == 302
    assert cookie not in browser.cookies  # the session cookie was deleted

    # The first may carry the "signed out" message (and so reach Django); then the shared copy.
    pages = [browser.get(url), browser.get(url), browser.get(url)]
    for page in pages:
        assert page.status == 200
        assert member_marker(nginx_stack, 0) not in page.body
    assert pages[-1].cache_status == "HIT"

    # The old session is over on the server too, not only forgotten by the browser.
    stale = nginx_stack.visitor({cookie: nginx_stack.data["leaving"]}).get(url)
    assert member_marker(nginx_stack, 0) not in stale.body


# --- Changes reach visitors: at once by a purge, or when the cached copy expires ------------------


def test_withdrawing_an_essay_purges_its_pages_at_once(nginx_stack: Site) -> None:
    target = essay(nginx_stack, 2)
    visitor = nginx_stack.visitor()
    for path in (target["url"], "/", nginx_stack.data["section_url"]):
        visitor.get(path)
        cached = visitor.get(path)
        assert cached.cache_status == "HIT"
        assert target["title"] in cached.body

    moderator = nginx_stack.visitor({nginx_stack.data["session_cookie"]: nginx_stack.data["staff"]})
    admin_url = nginx_stack.data["essay_admin_url"]
    token = moderator.csrf_token(admin_url)
    done = moderator.post(
        admin_url,
        {"csrfmiddlewaretoken": token, "action": "withdraw", "_selected_action": str(target["pk"]), "index": "0"},
    )
    assert done.status == 302

    gone = visitor.get(target["url"])
    # MISS, not EXPIRED: the copy was deleted, it did not run out.
    assert gone.cache_status == "MISS"
    assert gone.status in {404, 410}
    for path in ("/", nginx_stack.data["section_url"]):
        listing = visitor.get(path)
        assert listing.cache_status == "MISS"
        assert target["title"] not in listing.body


def test_an_edit_reaches_visitors_when_the_cached_copy_expires(nginx_stack: Site) -> None:
    target = essay(nginx_stack, 3)
    # The edit is made where no purge is configured, as on a host without the cache.
    edit = Prepared(
        nginx_stack.stack,
        "from redink.catalogue.models import Essay\n"
        "from redink.catalogue.services import essay_save_text\n"
        f"essay = Essay.objects.get(pk={target['pk']})\n"
        "essay_save_text(essay=essay, text=essay.body.replace('opens with the question', 'REVISED opening on'))\n",
        env={"REDINK_NGINX_CACHE_DIR": ""},
    )
    visitor = nginx_stack.visitor()
    visitor.get(target["url"])
    cached_at = time.monotonic()
    edit.go()

    stale = visitor.get(target["url"])
    assert stale.cache_status == "HIT"
    assert "REVISED" not in stale.body
    # nginx counts a copy's lifetime in whole seconds, from the second it arrived: up to one more.
    time.sleep(max(0.0, cached_at + CACHE_SECONDS + 1.2 - time.monotonic()))
    fresh = visitor.get(target["url"])
    assert fresh.cache_status == "EXPIRED"
    assert "REVISED opening on" in fresh.body


# --- The config file, and the runner's process records (no gunicorn needed) -----------------------


def test_the_deployment_guide_shows_the_config_file_as_it_is() -> None:
    guide = (Path(settings.BASE_DIR) / "docs" / "deploy.md").read_text()
    blocks = re.findall(r"```nginx\n(.*?)```", guide, flags=re.S)
    assert NGINX_TEMPLATE.read_text() in blocks


def test_the_cache_is_bypassed_on_the_cookie_django_signs_members_in_with() -> None:
    config = NGINX_TEMPLATE.read_text()
    cookie = f"$cookie_{settings.SESSION_COOKIE_NAME}"
    assert re.search(rf"proxy_cache_bypass [^;]*\{cookie}\b", config)
    assert re.search(rf"proxy_no_cache [^;]*\{cookie}\b", config)
    key = re.search(r"proxy_cache_key ([^;]+);", config)
    assert key and key.group(1) == settings.REDINK_NGINX_CACHE_KEY


def test_purging_deletes_the_file_nginx_names_after_the_key(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://essays.example.org"
    settings.REDINK_NGINX_CACHE_DIR = str(tmp_path)
    # The file is md5(key); levels=1:2 takes its last character, then the two before it.
    path = purge.cache_file("/essays/x/")
    assert path.relative_to(tmp_path).parts == (path.name[-1], path.name[-3:-1], path.name)
    path.parent.mkdir(parents=True)
    path.write_text("cached page")
    assert purge.purge_paths(["/essays/x/", "/essays/y/"]) == 1
    assert not path.exists()
    settings.REDINK_NGINX_CACHE_DIR = ""
    assert purge.purge_paths(["/essays/x/"]) == 0


def test_down_stops_exactly_the_recorded_processes(tmp_path: Path) -> None:
    if not NGINX_BINARY.exists():
        stack_unavailable(f"nginx not found at {NGINX_BINARY} (apt-get install nginx)")
    stack = Stack(tmp_path / "run", http_port=free_port(), web_port=free_port(), services=("nginx",))
    started = stack.up(prepare=False)
    assert [p.name for p in started] == ["nginx"]
    assert stack.status() == {"nginx": True}
    assert stack.up(prepare=False) == []  # already running: nothing started twice

    # A record whose pid now belongs to another process (here, this test) is never signalled.
    (stack.pid_dir / "impostor.pid").write_text(f"{os.getpid()}\n1\n")
    assert stack.down() == ["nginx"]
    assert not Path(f"/proc/{started[0].pid}").exists()
    assert stack.status() == {}
    assert stack.down() == []
