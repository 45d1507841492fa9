"""The committed docs/openapi.json is the schema the code generates, and lists every endpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, get_resolver

from redink.api.management.commands.write_openapi import openapi_text

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"
# Addresses under /api/v1/ that are not endpoints: the root (a JSON 404 pointing at the schema),
# the schema itself, its docs page, and the JSON 404 for everything else.
NOT_ENDPOINTS = {"api-root", "openapi-json", "docs", "not-found"}


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is out of date: run `manage.py write_openapi` and commit it"
    )


def test_it_is_openapi_3_1_and_the_served_schema_is_the_same(client, db):
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed["openapi"].startswith("3.1")
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json() == committed


def _api_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) == "api/v1/":
            for inner in pattern.url_patterns:  # type: ignore[attr-defined]
                found.append(("/api/v1/" + str(inner.pattern), inner))
    return found


def test_every_address_under_api_v1_is_in_the_schema():
    paths = json.loads(COMMITTED.read_text(encoding="utf-8"))["paths"]
    schema_shapes = {re.sub(r"\{[^}]+\}", "{}", path) for path in paths}
    endpoints = [(route, p) for route, p in _api_patterns() if p.name not in NOT_ENDPOINTS]
    assert len(endpoints) >= 12
    for route, _ in endpoints:
        shape = re.sub(r"<[^>]+>", "{}", route)
        assert shape in schema_shapes, f"{route} is served but not in the schema"
    # ninja adds one pattern per method of an address; the first answers them all.
    assert schema_shapes == {re.sub(r"<[^>]+>", "{}", route) for route, _ in endpoints}


def test_every_operation_declares_the_error_shape_and_every_read_admits_visitors():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
            if method == "get" and not path.startswith("/api/v1/me/"):
                assert {} in operation["security"], f"{method} {path}"
            else:
                assert {} not in operation["security"], f"{method} {path}"
