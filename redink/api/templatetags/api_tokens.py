"""The account page's "Apps and API tokens" section: how many tokens are in use, in one query."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Max

from redink.api.models import ApiToken

register = template.Library()


@register.simple_tag(takes_context=True)
def api_tokens_summary(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    if not request.user.is_authenticated:
        return {"usable": 0, "last_used_at": None}
    return (
        ApiToken.objects.usable()
        .filter(user=request.user)
        .aggregate(usable=Count("pk"), last_used_at=Max("last_used_at"))
    )
