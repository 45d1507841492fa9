"""Absolute links to this site, for places with no request to ask: e-mails above all.

Every link in an e-mail is built here from SITE_URL, the address the site is actually served on
(`rundemo --addr` sets it for its server and its worker alike), never from the host a request
happened to name or a default port.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_url(path: str = "/") -> str:
    """`path` (such as "/contribute/uploads/") on the site as it is served."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def site_url_for(url: str) -> str:
    """An absolute or relative `url` of this site, moved onto SITE_URL: keeps its path, query and
    fragment, and replaces whatever scheme and host it was built with."""
    parts = urlsplit(url)
    return site_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
