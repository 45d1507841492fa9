"""CORS: configured origins may call /api/v1/ from their pages, never with credentials; other
origins, and every page outside the API, get no CORS headers at all."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("redink.api.tests.probe")]

WHO = "/api/v1/probe/who/"
SCHOOL = "https://app.example-school.org"


@pytest.fixture(autouse=True)
def _one_origin_allowed(settings):  # type: ignore[no-untyped-def]
    settings.CORS_ALLOWED_ORIGINS = [SCHOOL]


def cors_headers(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k.lower(): v for k, v in response.items() if k.lower().startswith("access-control-")}


def test_no_origin_is_allowed_unless_configured_and_never_credentials():
    assert django_settings.CORS_ALLOW_CREDENTIALS is False
    assert django_settings.CORS_URLS_REGEX == r"^/api/v1/.*$"


def test_an_allowed_origin_may_read_the_answer_without_credentials(client):
    answer = client.get(WHO, HTTP_ORIGIN=SCHOOL)
    assert answer.status_code == 200
    headers = cors_headers(answer)
    assert headers["access-control-allow-origin"] == SCHOOL
    assert "access-control-allow-credentials" not in headers
    assert "retry-after" in headers["access-control-expose-headers"].lower()


def test_a_preflight_allows_the_apis_methods_and_headers(client):
    answer = client.options(
        WHO,
        HTTP_ORIGIN=SCHOOL,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert answer.status_code == 200
    headers = cors_headers(answer)
    assert headers["access-control-allow-origin"] == SCHOOL
    assert {m.strip() for m in headers["access-control-allow-methods"].split(",")} >= {"GET", "POST", "DELETE"}
    assert {h.strip() for h in headers["access-control-allow-headers"].split(",")} == {"authorization", "content-type"}
    assert "access-control-allow-credentials" not in headers


def test_refusals_carry_the_header_so_a_page_can_read_them(client, settings):
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = 1
    refused = client.get(WHO, HTTP_ORIGIN=SCHOOL, HTTP_AUTHORIZATION="Bearer nonsense")
    assert refused.status_code == 401 and cors_headers(refused)["access-control-allow-origin"] == SCHOOL
    limited = client.get(WHO, HTTP_ORIGIN=SCHOOL)
    assert limited.status_code == 429 and cors_headers(limited)["access-control-allow-origin"] == SCHOOL


def test_another_origin_gets_no_cors_headers(client):
    for origin in ("https://evil.example", "http://app.example-school.org", "null"):
        assert cors_headers(client.get(WHO, HTTP_ORIGIN=origin)) == {}, origin
        preflight = client.options(WHO, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
        assert "access-control-allow-origin" not in cors_headers(preflight), origin


def test_pages_outside_the_api_get_no_cors_headers(client):
    assert cors_headers(client.get("/plain/", HTTP_ORIGIN=SCHOOL)) == {}
    assert cors_headers(client.get("/", HTTP_ORIGIN=SCHOOL)) == {}


def test_with_no_origins_configured_no_origin_gets_cors_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = []  # the default: REDINK_API_CORS_ORIGINS unset
    assert cors_headers(client.get(WHO, HTTP_ORIGIN=SCHOOL)) == {}
