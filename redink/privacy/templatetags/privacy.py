"""The account page's e-mail choices, a section that fetches what it shows itself."""

from __future__ import annotations

from typing import Any

from django import template

from redink.privacy.mail import email_preferences
from redink.privacy.models import EmailKind

register = template.Library()


@register.inclusion_tag("privacy/_email_preferences.html", takes_context=True)
def email_preferences_section(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    enabled = email_preferences(user=user)
    return {
        "kinds": [{"value": kind, "label": EmailKind(kind).label, "enabled": enabled[kind]} for kind in enabled],
        "csrf_token": context.get("csrf_token"),
    }
