"""`{% url %}` with its answers kept per process.

Every page's header and footer reverse about twenty fixed addresses, and a result list about
two for each card: each reversal cost 25 to 30 µs of CPU (the resolver's namespaces, the quoting,
the escaping), close to a millisecond a page for the same strings every time. The tag here is
Django's own (same syntax, same errors), loaded for every template through `TEMPLATES`'
`builtins`; when the address's arguments are plain strings and numbers, the escaped address is
kept under everything it depends on (the name, the arguments, the request's application
namespace, the URLconf, the script prefix and the language), so a kept answer is only ever the
one `reverse` would give.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Enough for the fixed addresses and the taxonomy's pages many times over; an essay's own
# address comes and goes with the traffic, and the oldest are let go first.
_KEPT = 4096
_UNSET = object()


class KeptURLNode(URLNode):
    def render(self, context: Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        if not all(type(value) in (str, int) for value in (*args, *(v for _, v in kwargs))):
            # Other values (models, lazy strings) may not compare as their address would.
            return super().render(context)
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", _UNSET)
        if current_app is _UNSET:  # as Django's tag: the namespace the request was resolved in
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        where = (current_app, get_urlconf(), get_script_prefix(), get_language())
        if not self.asvar:
            return _address(view_name, args, kwargs, *where, bool(context.autoescape))
        # `as` keeps the address unescaped, and an address that is not there as "" (not kept:
        # a failed lookup raises, and `lru_cache` keeps no exceptions).
        try:
            context[self.asvar] = _address(view_name, args, kwargs, *where, False)
        except NoReverseMatch:
            context[self.asvar] = ""
        return ""


@lru_cache(maxsize=_KEPT)
def _address(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    urlconf: str | None,
    prefix: str,
    language: str | None,
    autoescape: bool,
) -> str:
    # `urlconf`, `prefix` and `language` are only part of the key: `reverse` reads them itself.
    found = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
    return conditional_escape(found) if autoescape else found


def kept_reverse(view_name: str, *args: str | int) -> str:
    """`reverse(view_name, args=args)`, unescaped, kept as the tag keeps it: for addresses a
    template tag builds in Python (the Save button on every result card)."""
    return _address(view_name, args, (), None, get_urlconf(), get_script_prefix(), get_language(), False)


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@receiver(setting_changed)
def _forget(*, setting: str, **_: Any) -> None:
    # Tests that swap the URLconf: the default one is named by no per-request value in the key.
    if setting == "ROOT_URLCONF":
        _address.cache_clear()
