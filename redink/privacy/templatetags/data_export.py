"""The account page's "Your data" section: where the user's latest export stands."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from redink.privacy.services_export import data_export_latest

register = template.Library()


@register.simple_tag(takes_context=True)
def data_export_status(context: template.Context) -> dict[str, Any]:
    """{% data_export_status as export %}: the latest export, its state ("", pending, ready,
    expired or failed) and how many days a link works."""
    latest = data_export_latest(user=context["request"].user)
    state = ""
    if latest is not None:
        state = "expired" if latest.is_expired() else latest.status
    return {"latest": latest, "state": state, "days": settings.REDINK_DATA_EXPORT_DAYS}
