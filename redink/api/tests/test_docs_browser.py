"""The API's docs page in Chromium: Swagger UI from our own static files, every endpoint shown,
and not one Content-Security-Policy violation (the site's CSP allows no inline script)."""

from __future__ import annotations

import pytest

from redink.api.api import api

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_shows_every_endpoint_under_the_sites_csp(page, live_server):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));"
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=15_000)
    shown = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/essays/{slug}/" in [text.replace("\u200b", "") for text in shown]
    assert len(shown) == sum(len(operations) for operations in api.get_openapi_schema()["paths"].values())
    assert violations == [] and problems == [] and outside == []
