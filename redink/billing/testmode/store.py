"""The test-mode checkout's records: Stripe objects kept as JSON in `LocalStripeObject`."""

from __future__ import annotations

import copy
from typing import Any

from ..models import LocalStripeObject


class NoSuchObject(LookupError):
    """Stripe answers "No such …" for an id it does not know; so does the test-mode store."""


def object_get(object_id: str, *, lock: bool = False) -> dict[str, Any]:
    rows = LocalStripeObject.objects.select_for_update() if lock else LocalStripeObject.objects
    try:
        return copy.deepcopy(rows.get(stripe_id=object_id).data)
    except LocalStripeObject.DoesNotExist as exc:
        raise NoSuchObject(f"No such object: {object_id!r}") from exc


def object_put(data: dict[str, Any]) -> dict[str, Any]:
    LocalStripeObject.objects.update_or_create(stripe_id=data["id"], defaults={"object": data["object"], "data": data})
    return data


def objects_of(kind: str) -> list[dict[str, Any]]:
    return [row.data for row in LocalStripeObject.objects.filter(object=kind).order_by("created_at")]
