from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

register = template.Library()


def initials(name: str) -> str:
    parts = [p for p in name.replace("_", " ").replace(".", " ").split() if p[:1].isalnum()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][:2].upper()
    return (parts[0][0] + parts[-1][0]).upper()


@register.simple_tag
def avatar(user: Any, size: int = 40, fallback: str = "Anonymous") -> str:
    """The user's uploaded avatar, or one generated from their display name (or from
    `fallback`, such as "Former contributor", when there is no user)."""
    name = user.public_name if user is not None else fallback
    if user is not None and getattr(user, "avatar", None):
        return format_html('<img class="avatar" src="{}" width="{}" height="{}" alt="">', user.avatar.url, size, size)
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360
    return format_html(
        '<svg class="avatar" width="{0}" height="{0}" viewBox="0 0 40 40" aria-hidden="true" focusable="false">'
        '<circle cx="20" cy="20" r="20" fill="hsl({1} 45% 32%)"/>'
        '<text x="20" y="25" text-anchor="middle" font-size="15" font-family="system-ui,sans-serif" '
        'font-weight="600" fill="#fff">{2}</text></svg>',
        size,
        hue,
        initials(name),
    )


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    return query_string_with(context["request"], **changes)


def query_string_with(request: Any, **changes: Any) -> str:
    """`query_with` for a tag that builds its links in Python."""
    params = {k: v for k, v in request.GET.items()}
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(params)
    return f"?{encoded}" if encoded else "?"
