"""What the API's tests share: calling it as a visitor, a signed-in reader or a token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from redink.api.tokens import token_create

API = "/api/v1"


def bearer(user: Any, *, scope: str = "read") -> dict[str, str]:
    """Headers for the Django test client that carry a new personal access token of `user`."""
    made = token_create(user=user, name="Test app", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {made.token}"}


def get_json(client: Client, path: str, **headers: str) -> tuple[int, Any, Any]:
    response = client.get(API + path, **headers)  # type: ignore[arg-type]
    body = json.loads(response.content) if response.content else None
    return response.status_code, body, response
