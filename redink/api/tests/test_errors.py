"""Every failure under /api/v1/ is JSON of one shape, never HTML, never a 500 for bad input."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from redink.catalogue.services import essay_withdraw

from .helpers import API, get_json

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def test_a_parameter_out_of_range_is_named_in_fields(client):
    status, _, response = get_json(client, "/essays/?limit=1000&year=nineteen")
    assert status == 422
    error = error_of(response)
    assert error["code"] == "invalid" and set(error["fields"]) == {"limit", "year"}


def test_a_forged_cursor_is_a_page_that_is_not_there(client, essay):
    status, _, response = get_json(client, "/essays/?cursor=not-a-cursor")
    assert status == 404 and error_of(response)["fields"] == {"cursor": ["not a valid cursor"]}


def test_unknown_essay_level_and_address_are_json_404s(client, essay):
    for path in ("/essays/no-such-essay/", "/levels/nowhere/subjects/", "/no/such/thing/", "/essays/no-slash"):
        status, _, response = get_json(client, path)
        assert status == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_withdrawn_essay_is_gone(client, essay):
    essay_withdraw(essay=essay)
    status, _, response = get_json(client, f"/essays/{essay.slug}/")
    assert status == 410 and error_of(response)["code"] == "gone"


def test_a_method_an_address_does_not_take_is_a_json_405_with_allow(client):
    response = client.put(f"{API}/levels/")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert error_of(response)["code"] == "method_not_allowed"


def test_writing_without_credentials_is_a_json_401(client, essay):
    response = client.post(f"{API}/me/reading-list/", {"essay": essay.slug}, content_type="application/json")
    assert response.status_code == 401 and error_of(response)["code"]


def test_asking_for_your_own_data_unsigned_says_how_to_sign_in(client):
    status, _, response = get_json(client, "/me/")
    assert status == 401 and response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "unauthenticated"
    assert "personal access token" in error_of(response)["message"]


def test_a_token_that_is_not_valid_is_refused_not_taken_for_a_visitor(client):
    status, _, response = get_json(client, "/levels/", HTTP_AUTHORIZATION="Bearer rdk_nothing")
    assert status == 401 and error_of(response)["code"] == "invalid_token"


def test_a_body_that_is_not_json_is_invalid_input(client, member):
    client.force_login(member)
    response = client.post(f"{API}/me/reading-list/", "{not json", content_type="application/json")
    assert response.status_code in (400, 403, 422)
    error_of(response)


def test_a_fault_of_ours_is_a_logged_json_500(client, monkeypatch, caplog):
    from redink.catalogue import selectors

    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(selectors, "levels_with_counts", broken)
    status, _, response = get_json(client, "/levels/")
    assert status == 500 and error_of(response)["code"] == "server_error"
    assert "the database fell over" not in response.content.decode()
    assert any("API fault" in record.getMessage() for record in caplog.records)


def test_too_many_searches_from_one_address_is_a_json_429_with_retry_after(client, essay, settings):
    settings.REDINK_SEARCHES_PER_MINUTE = 2
    for _ in range(2):
        assert get_json(client, "/search/?q=superpowers")[0] == 200
    status, _, response = get_json(client, "/search/?q=superpowers")
    assert status == 429 and int(response["Retry-After"]) >= 1
    assert error_of(response)["code"] == "rate_limited"
    # The search page shares the count: the API is no way round its limit, nor the page round the API's.
    assert client.get("/search/?q=superpowers").status_code == 429


@pytest.mark.parametrize("q", ["\x00", "cold\x00war", '"unclosed', "-", "a" * 1000, "%", "\ud7ff"])
def test_odd_searches_are_answered_not_failed(client, essay, q):
    status, body, _ = get_json(client, "/search/?" + urlencode({"q": q}))
    assert status == 200 and isinstance(body["results"], list)
