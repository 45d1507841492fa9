"""The API's endpoints, one router per group (catalogue, essays, marking, search, me)."""

from __future__ import annotations

from typing import Any

SLUG = r"^[-a-zA-Z0-9_]+$"


def errors(*statuses: int) -> dict[int, Any]:
    """The error statuses an endpoint may answer, each with the one error shape."""
    from ..schemas import ErrorOut

    return dict.fromkeys((*statuses, 401, 429), ErrorOut)
