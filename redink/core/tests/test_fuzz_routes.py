"""Every route, as every role, with whatever a client may send: no answer is a 500.

Hypothesis draws the route, its path values (the world's objects, or anything), the method, the
query string, form fields, a JSON or raw body and odd headers (Accept, Content-Type, Cookie,
X-Forwarded-For, Range, …, up to huge values, NUL bytes and bytes that are not UTF-8). Rate limits
are raised so they do not hide what is behind them, and a 429 is an answer like any other.

How many requests: REDINK_FUZZ_REQUESTS (a full run is REDINK_FUZZ_REQUESTS=10000), else ten per
example of the Hypothesis profile (60 under CI), shared between the seven roles.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redink.testing.routes import ROLES, Route, World, build_world, fill, site_routes

REQUESTS = int(os.environ.get("REDINK_FUZZ_REQUESTS") or settings.default.max_examples * 10)
PER_ROLE = max(1, -(-REQUESTS // len(ROLES)))  # rounded up: at least REQUESTS in all

ROUTES = site_routes()
METHODS = ["GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]

# WSGI carries headers and the query string as latin-1 text: any byte, UTF-8 or not, fits.
raw_bytes = st.binary(max_size=64).map(lambda b: b.decode("latin-1"))
odd_text = st.one_of(
    st.text(max_size=40),
    raw_bytes,
    st.sampled_from(["", "\x00", "%00", "%ff%fe", "..", "' OR 1=1 --", "<script>", "9" * 30, "-1", "NaN"]),
    st.integers(min_value=1, max_value=8).map(lambda n: "x" * (1000 * n)),  # huge
)


def as_wsgi(text: str) -> str:
    """Text as a server hands it to Django: its UTF-8 bytes, each read as one latin-1 character."""
    return text.encode("utf-8").decode("latin-1")


on_the_wire = odd_text.map(as_wsgi)
field_names = st.one_of(st.text(max_size=12), st.sampled_from(["q", "page", "sort", "text", "title", "next", "id"]))
form = st.dictionaries(field_names, odd_text, max_size=5)

HEADERS = {
    "HTTP_ACCEPT": st.one_of(on_the_wire, st.sampled_from(["application/json", "text/html;q=0", "*/*;q=x", "image/*"])),
    "HTTP_COOKIE": st.one_of(on_the_wire, st.sampled_from(["sessionid=x", "csrftoken=;", "a=b; ; =;"])),
    "HTTP_X_FORWARDED_FOR": st.one_of(
        on_the_wire, st.sampled_from(["1.2.3.4, ::1", "::ffff:1.2.3.4", ", ,", "999.1.1.1"])
    ),
    "HTTP_RANGE": st.one_of(on_the_wire, st.sampled_from(["bytes=0-", "bytes=-5", "bytes=9-1", "bytes=0-1,2-3"])),
    "HTTP_AUTHORIZATION": st.one_of(on_the_wire, st.sampled_from(["Bearer ", "Bearer rdk_x", "Basic Og=="])),
    "HTTP_ACCEPT_LANGUAGE": on_the_wire,
    "HTTP_IF_NONE_MATCH": on_the_wire,
    "HTTP_REFERER": on_the_wire,
    "HTTP_ORIGIN": on_the_wire,
    "HTTP_USER_AGENT": on_the_wire,
    "HTTP_X_REQUESTED_WITH": st.just("XMLHttpRequest"),
}
headers = st.fixed_dictionaries({}, optional=HEADERS)  # type: ignore[arg-type]

CONTENT_TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "text/plain; charset=utf-7",
    "application/json; charset=nope",
    "",
]
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
body = st.one_of(
    st.tuples(st.just("form"), form),
    st.tuples(st.just("json"), json_value.map(json.dumps)),
    st.tuples(st.sampled_from(CONTENT_TYPES), st.binary(max_size=300)),
)


def path_values(route: Route, world: World) -> st.SearchStrategy[dict[str, Any]]:
    """The world's values for the route, or anything in one place or another."""
    known = world.values_for(route)
    anything = st.one_of(
        st.text(min_size=1, max_size=30).filter(lambda t: "/" not in t),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["0", "00", "9" * 25, "%00", "..", "-"]),
    )
    return st.fixed_dictionaries({p: st.one_of(st.just(known.get(p, "x")), anything) for p in route.params})


def answered_methods(client: Client, world: World) -> dict[str, list[str]]:
    """For each route, the methods its view takes, from the Allow header of a plain GET's 405:
    a request mostly uses one of them, so that it reaches the view's own handling of its input."""
    methods = {}
    for route in ROUTES:
        if route.name == "admin":
            continue
        with transaction.atomic():
            response = client.get(fill(route, world.values_for(route)))
            transaction.set_rollback(True)
        allow = response.get("Allow", "") if response.status_code == 405 else ""
        methods[route.key] = [m.strip() for m in allow.split(",") if m.strip() and m.strip() != "OPTIONS"] or ["GET"]
    return methods


@st.composite
def requests(draw: st.DrawFn, world: World, answered: dict[str, list[str]]) -> dict[str, Any]:
    route = draw(st.sampled_from(ROUTES))
    method = draw(st.one_of(st.sampled_from(answered.get(route.key, ["GET"])), st.sampled_from(METHODS)))
    path = (
        draw(
            st.sampled_from(["/admin/", "/admin/catalogue/essay/", f"/admin/catalogue/essay/{world.essay.pk}/change/"])
        )
        if route.name == "admin"
        else fill(route, draw(path_values(route, world)))
    )
    return {
        "method": method,
        "path": path,
        "query": draw(
            st.one_of(st.just(""), raw_bytes, form.map(lambda d: as_wsgi("&".join(f"{k}={v}" for k, v in d.items()))))
        ),
        "headers": draw(headers),
        "body": draw(body),
    }


def send(client: Client, request: dict[str, Any]) -> int:
    kind, content = request["body"]
    extra = {**request["headers"], "QUERY_STRING": request["query"]}
    if "HTTP_COOKIE" in extra:
        # The odd cookies come beside the session's, so a signed-in role stays signed in.
        session = "; ".join(f"{morsel.key}={morsel.coded_value}" for morsel in client.cookies.values())
        extra["HTTP_COOKIE"] = f"{session}; {extra['HTTP_COOKIE']}" if session else extra["HTTP_COOKIE"]
    if kind == "form":
        if request["method"] == "POST":
            return client.post(request["path"], content, **extra).status_code
        content, kind = "&".join(f"{k}={v}" for k, v in content.items()), "application/x-www-form-urlencoded"
    elif kind == "json":
        kind = "application/json"
    if request["method"] in ("GET", "HEAD", "OPTIONS") and not content:
        return client.generic(request["method"], request["path"], **extra).status_code
    return client.generic(request["method"], request["path"], content, content_type=kind, **extra).status_code


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"
    # raised_limits, as the leak crawl has it: limits must not hide what is behind them.
    settings.REDINK_SEARCHES_PER_MINUTE = settings.REDINK_SUGGESTIONS_PER_MINUTE = 1_000_000
    settings.REDINK_BEACON_PER_MINUTE = settings.REDINK_TAKEDOWNS_PER_HOUR = 1_000_000
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN = settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = 10**6
    return build_world()


@pytest.mark.parametrize("role", ROLES)
def test_no_request_to_any_route_is_answered_with_a_server_error(world: World, role: str) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")  # raises whatever a view raises, so nothing escapes unseen
    if world.users[role] is not None:
        client.force_login(world.users[role])
    statuses: dict[int, int] = {}
    answered = answered_methods(client, world)

    @settings(
        max_examples=PER_ROLE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(world, answered))
    def one(request: dict[str, Any]) -> None:
        # Each request meets the same world: what it changed is rolled back.
        with transaction.atomic():
            status = send(client, request)
            transaction.set_rollback(True)
        statuses[status] = statuses.get(status, 0) + 1
        assert status < 500, f"{request['method']} {request['path']} answered {status}: {request}"

    one()
    print(f"fuzzed as {role}: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
