"""Every top-level path the site answers is reserved, so no level can be given its slug and swallow it
(levels take the remaining top-level paths, /<level>/)."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from redink.catalogue.models import RESERVED_LEVEL_SLUGS


def first_segments(patterns, prefix: str = "") -> set[str]:  # type: ignore[no-untyped-def]
    """The first path segment of every route, where it is written out rather than a converter."""
    found: set[str] = set()
    for entry in patterns:
        route = str(entry.pattern) if isinstance(entry.pattern, RoutePattern) else entry.pattern.regex.pattern
        route = route.lstrip("^")
        full = prefix + route
        if isinstance(entry, URLResolver) and not full.split("/")[0]:
            found |= first_segments(entry.url_patterns, full)
            continue
        head = full.split("/")[0]
        if head and "<" not in head and "(" not in head:
            found.add(head.replace("\\", ""))
        elif isinstance(entry, URLResolver):
            found |= first_segments(entry.url_patterns, full)
        else:
            assert isinstance(entry, URLPattern)
    return found


def test_every_top_level_path_is_reserved():
    segments = first_segments(get_resolver().url_patterns)
    assert {"admin", "accounts", "join", "search", "contribute", "contact", "site-map"} <= segments
    assert segments - RESERVED_LEVEL_SLUGS == set()


def test_static_and_media_prefixes_are_reserved():
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        assert url.strip("/").split("/")[0] in RESERVED_LEVEL_SLUGS
