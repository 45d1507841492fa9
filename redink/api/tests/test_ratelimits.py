"""The API's request limits: per token for a usable token, per address for everyone else, with
429, `Retry-After` and the API's error shape past them. Runs on the database cache, and on Redis
when REDINK_TEST_REDIS_URL is set (the same mechanism as the site's other limits)."""

from __future__ import annotations

import pytest

from redink.api.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.urls("redink.api.tests.probe")]

WHO = "/api/v1/probe/who/"


@pytest.fixture(autouse=True)
def _small_limits(settings):  # type: ignore[no-untyped-def]
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN = 4
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = 2


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_a_visitor_past_the_address_limit_is_told_to_wait(client):
    assert [client.get(WHO).status_code for _ in range(2)] == [200, 200]
    refused = client.get(WHO)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    error = refused.json()["error"]
    assert error["code"] == "rate_limited" and error["fields"] == {}
    assert "2 requests a minute" in error["message"] and "try again in" in error["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]


def test_another_address_has_its_own_count(client):
    for _ in range(3):
        client.get(WHO)
    assert client.get(WHO, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_token_has_its_own_limit_apart_from_its_address(client, member):
    made = token_create(user=member, name="App", scope="read")
    for _ in range(3):
        client.get(WHO)  # the address is used up by anonymous calls
    assert client.get(WHO).status_code == 429
    answers = [client.get(WHO, **bearer(made.token)).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    refused = client.get(WHO, **bearer(made.token))
    assert "4 requests a minute from this token" in refused.json()["error"]["message"]
    assert int(refused["Retry-After"]) >= 1


def test_two_tokens_of_one_user_are_counted_apart(client, member):
    first = token_create(user=member, name="One", scope="read")
    second = token_create(user=member, name="Two", scope="read")
    for _ in range(5):
        client.get(WHO, **bearer(first.token))
    assert client.get(WHO, **bearer(second.token)).status_code == 200


def test_made_up_tokens_count_against_the_address(client):
    answers = [client.get(WHO, **bearer("rdk_" + str(n) * 43)).status_code for n in range(3)]
    assert answers == [401, 401, 429]
    assert client.get(WHO).status_code == 429


def test_pages_outside_the_api_are_not_counted(client):
    for _ in range(5):
        assert client.get("/plain/").status_code == 200
    assert client.get(WHO).status_code == 200
