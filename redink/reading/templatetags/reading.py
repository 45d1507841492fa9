"""The "Save" control on essay pages and cards, and the account page's reading section.

A visitor gets a plain link (no form, no CSRF token, nothing that touches the session), so an
anonymous page stays the same for everyone and a shared cache can keep it. A signed-in user
gets a form; whether each essay is saved comes from one query per request, however many cards
the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from redink.core.templatetags.kept_urls import kept_reverse
from redink.reading import selectors

register = template.Library()

_SAVED_ATTR = "_reading_saved_items"
_SCRIPT_ATTR = "_reading_script_included"
_STATE_ATTR = "_reading_page_state"


def _saved_items(request: HttpRequest) -> dict[int, int]:
    items = getattr(request, _SAVED_ATTR, None)
    if items is None:
        items = selectors.saved_essay_items(user=request.user)  # type: ignore[arg-type]
        setattr(request, _SAVED_ATTR, items)
    return items


@register.simple_tag(takes_context=True)
def save_button(context: template.Context, essay: Any) -> SafeString:
    """The Save control for one essay. Built in Python, not by a template: a result page shows
    twenty, and the template's rendering was about a tenth of the page's time. The HTML is the
    same as the template gave (reading/tests/test_save_button.py)."""
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return _visitor_link(essay.slug, essay.title, get_urlconf(), get_script_prefix(), get_language())
    page = _page_state(request, context)
    known, item_id = selectors.known_saved_item(request=request, essay_id=essay.pk)
    if not known:
        item_id = _saved_items(request).get(essay.pk)
    script = ""
    if not getattr(request, _SCRIPT_ATTR, False):
        script = page.script  # the script once per page, beside the first form
        setattr(request, _SCRIPT_ATTR, True)
    title = escape(essay.title)
    if item_id:
        action = escape(kept_reverse("reading:remove", item_id))
        label = f'Remove<span class="visually-hidden"> “<bdi>{title}</bdi>” from your reading list</span>'
    else:
        action = escape(kept_reverse("reading:save", essay.slug))
        label = f'Save<span class="visually-hidden"> “<bdi>{title}</bdi>” to your reading list</span>'
    # Put together with f-strings (format_html cost about 10 µs a call, three a card), every value
    # escaped with `html.escape` as Django escapes it (quotes included).
    return mark_safe(
        f'<form class="save-form" method="post" action="{action}" data-save-form data-title="{title}">'
        f'{page.csrf_input}<input type="hidden" name="next" value="{page.next}">\n'
        f'  <span class="badge" data-save-label{"" if item_id else " hidden"}>Saved</span>\n'
        f'  <button type="submit" class="button-small button-secondary" data-save-button>{label}</button>\n'
        '  <span class="visually-hidden" role="status" data-save-status></span>\n'
        f"</form>{script}\n"
    )


@dataclass(frozen=True)
class _PageState:
    """What every Save form on a signed-in reader's page shares, worked out once a request."""

    csrf_input: str  # HTML
    next: str  # escaped
    script: str  # HTML


def _page_state(request: HttpRequest, context: template.Context) -> _PageState:
    state = getattr(request, _STATE_ATTR, None)
    if state is None:
        state = _PageState(
            csrf_input=mark_safe(CsrfTokenNode().render(context)),  # Django's own tag's HTML
            next=escape(request.get_full_path()),
            script=format_html('<script src="{}" defer></script>', static("js/reading.js")),
        )
        setattr(request, _STATE_ATTR, state)
    return state


# As many as the search results keep of their cards' own parts (search_results._KEPT), beside
# which the link goes: at 4,096, a 240-query log over 160,000 essays (some 4,500 essays on its
# result pages) missed on 4,134 of 4,426 links, each a `reverse`, where 2,000 essays always hit.
_VISITOR_LINKS_KEPT = 10_000


@lru_cache(maxsize=_VISITOR_LINKS_KEPT)
def _visitor_link(slug: str, title: str, urlconf: str | None, prefix: str, language: str | None) -> SafeString:
    """A visitor's Save link: the same for every visitor, so kept per process (`urlconf`,
    `prefix` and `language` are only part of the key: `reverse` reads them itself)."""
    return format_html(
        '<p class="save-link"><a href="{}?next={}">Save<span class="visually-hidden"> “<bdi>{}</bdi>”'
        " to a reading list (log in first)</span></a></p>\n",
        kept_reverse("account_login"),
        quote(kept_reverse("reading:save", slug), safe="/"),
        title,
    )


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


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    # Tests that swap the URLconf: the default one is named by no per-request value in the key.
    if setting == "ROOT_URLCONF":
        _visitor_link.cache_clear()
