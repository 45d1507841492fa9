"""The "Save" control on essay pages and cards, and the account page's reading section.

A visitor gets a plain link (no form, no CSRF token, nothing that touches the session), so an
anonymous page stays the same for everyone and a shared cache can keep it. A signed-in user
gets a form; whether each essay is saved comes from one query per request, however many cards
the page shows.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from redink.reading import selectors

register = template.Library()

_SAVED_ATTR = "_reading_saved_items"
_SCRIPT_ATTR = "_reading_script_included"


def _saved_items(request: HttpRequest) -> dict[int, int]:
    items = getattr(request, _SAVED_ATTR, None)
    if items is None:
        items = selectors.saved_essay_items(user=request.user)  # type: ignore[arg-type]
        setattr(request, _SAVED_ATTR, items)
    return items


@register.inclusion_tag("reading/_save_button.html", takes_context=True)
def save_button(context: template.Context, essay: Any) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    signed_in = bool(request is not None and request.user.is_authenticated)
    item_id = None
    if signed_in:
        known, item_id = selectors.known_saved_item(request=request, essay_id=essay.pk)  # type: ignore[arg-type]
        if not known:
            item_id = _saved_items(request).get(essay.pk)  # type: ignore[arg-type]
    include_script = False
    if signed_in and not getattr(request, _SCRIPT_ATTR, False):
        include_script = True  # the script once per page, beside the first form
        setattr(request, _SCRIPT_ATTR, True)
    return {
        "essay": essay,
        "signed_in": signed_in,
        "item_id": item_id,
        "include_script": include_script,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reading/_account.html", takes_context=True)
def reading_account_section(context: template.Context) -> dict[str, Any]:
    request: HttpRequest = context["request"]
    user = request.user
    return {
        "history_enabled": selectors.reading_history_enabled(user=user),  # type: ignore[arg-type]
        "saved_count": user.saved_essays.count(),  # type: ignore[union-attr]
        "history_count": selectors.reading_history_entries(user=user).count(),  # type: ignore[arg-type]
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
